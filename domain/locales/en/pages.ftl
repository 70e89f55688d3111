# The strings of the server's pages in English: /accept, /reset-password and /dev/inbox.
# A variable ({ $name }) is filled in by the page's script; { $seconds } and { $minutes } are
# numbers, for plural forms.

## Shared by the pages

language-label = Language
show = Show
hide = Hide
show-password = Show password
hide-password = Hide password
noscript = This page needs JavaScript. Please turn it on and open the page again.
correct-marked = Please correct what is marked above.
wait-seconds = { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
 }
wait-minutes = { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
 }
wait-moment = a moment
too-many-attempts = Too many attempts. Please wait { $wait }, then try again.
no-connection = We could not reach the server. Check your internet connection, then try again.
sign-in-at = Sign in at { $link }.
what-next = What next

## Two-step authentication: the accept and join pages ask an existing profile with it on
## for its code

second-factor-code = Code from your authenticator app
second-factor-help = The six digits your authenticator app shows now, or one of your recovery codes (xxxxx-xxxxx).
second-factor-asked = Two-step authentication is on for your profile: enter the code from your authenticator app, or a recovery code, then send again.
second-factor-error-empty = Enter the code from your authenticator app, or a recovery code.
second-factor-error-format = A code is the six digits your app shows, or a recovery code such as abcde-fghjk.
second-factor-error-wrong = This code is not right, or it was used already. Enter the code your app shows now (after a code that worked, wait for the next one), or a recovery code.
second-factor-not-right = The code is not right.
second-factor-wait = Too many attempts. Please wait { $wait }, then try again with the code your app shows then.
second-factor-sign-in = Two-step authentication stays on: when you sign in, you give the code from your authenticator app after your password.

## The accept page

accept-title-loading = Checking your invitation
accept-title-invitation = Your invitation
accept-title-welcome = Welcome
accept-title-declined = Invitation declined
accept-title-problem = Invitation link
accept-loading = Checking your invitation…
accept-noscript = This page needs JavaScript to show your invitation. Please turn it on and open the link again.
accept-invited-to = You are invited to { $account }
accept-workgroup = Workgroup
accept-project = Project
accept-invited-by = Invited by
accept-invitation-for = Invitation for
accept-valid-until = Valid until
accept-someone = Someone
accept-summary = { $inviter } invites you to join { $account }.
accept-summary-workgroup = { $inviter } invites you to join { $account } and its workgroup “{ $workgroup }”.
accept-summary-project = { $inviter } invites you to join { $account } and its project “{ $workgroup }”.
accept-summary-external = You will join as an external user: you will see only the workgroups and projects you are invited to.
accept-message-from = A message from { $inviter }:
accept-form-new = Set a password to join
accept-form-existing = Sign in to join
accept-hint-new = Check your name, and choose the password you will sign in with.
accept-hint-existing-email = You already have a profile with the email { $login }. Enter its password to add { $account } to it.
accept-hint-existing-phone = You already have a profile with the phone number { $login }. Enter its password to add { $account } to it.
accept-first-name = First name
accept-last-name = Last name
accept-password-new = Choose a password
accept-password-existing = Password of your existing profile
accept-password-help-new = At least { $min } characters.
accept-password-help-existing = The password you already sign in with.
accept-button = Accept invitation
accept-joining = Joining…
accept-decline = Decline
accept-decline-question = Decline this invitation?
accept-decline-consequence = You will not join { $account }. To join later, you will need a new invitation.
accept-decline-yes = Yes, decline
accept-decline-no = No, go back
accept-declining = Declining…
accept-error-first-name = Enter your first name.
accept-error-last-name = Enter your last name.
accept-error-name-long = A name has at most { $max } characters.
accept-error-password-existing = Enter the password of your existing profile.
accept-error-password-new = Choose a password.
accept-error-password-short = A password needs at least { $min } characters.
accept-error-password-long = A password has at most { $max } characters.
accept-error-wrong-password = This is not the password of your existing profile. Check it and try again.
accept-error-password-not-right = The password is not right.
accept-error-cannot-accept = The invitation cannot be accepted right now.
accept-trouble = Something went wrong on our side. Your invitation is unchanged: please try again in a moment.
accept-invalid-title = This invitation link is no longer valid
accept-invalid-text = It may have been used already, declined or withdrawn, or a newer link has replaced it.
accept-ask-again = Ask the person who invited you to send the invitation again.
accept-invalid-next = Ask the person who invited you to send the invitation again. If you already accepted, sign in with your email or phone and password.
accept-expired-title = This invitation has expired
accept-expired-text = Invitations are valid for a limited time only.
accept-wait-title = Please wait a moment
accept-trouble-title = We could not open your invitation
accept-retry = Try again
accept-incomplete-title = This invitation link is incomplete
accept-incomplete-text = The link you opened does not contain the invitation code.
accept-incomplete-next = Copy the whole link from your invitation message (it ends with “#token=” and a long code) and open it again. If you reloaded this page, open the link from your message again.
accept-welcome-title = Welcome, { $name }!
accept-welcome-text = You joined { $account }.
accept-welcome-text-workgroup = You joined { $account } and you are now a member of its workgroup “{ $workgroup }”.
accept-welcome-text-project = You joined { $account } and you are now a member of its project “{ $workgroup }”.
accept-welcome-next-new = To work in { $account }, sign in with { $login } and the password you just chose.
accept-welcome-next-existing = To work in { $account }, sign in with { $login } and the password of your profile. The same profile now gives you access to { $account } and to your other accounts.
accept-no-app = This server does not know the address of the app you sign in to: ask the person who invited you where to sign in.
accept-welcome-close = You can close this page. The link in your message no longer works: it was for one use only.
accept-declined-title = You declined the invitation
accept-declined-text = You will not join { $account }. The invitation is marked as declined, so { $inviter } can see your answer.
accept-declined-inviter = the person who invited you
accept-declined-next = If you change your mind, ask the person who invited you to send a new invitation. You can close this page.

## The reset-password page

reset-title-request = Reset your password
reset-title-code = Enter your code
reset-title-done = Your password is set
reset-intro = Enter the email address or phone number you sign in with. If it belongs to a profile, we send a six-digit code to it.
reset-login = Email or phone number
reset-login-help = A phone number with its country code, e.g. +14155550101.
reset-send = Send me a code
reset-have-code = I already have a code
reset-code-title = Enter your code and a new password
reset-code = Six-digit code
reset-new-password = New password
reset-set = Set new password
reset-resend = Send a new code
reset-change-login = Use another email or phone number
reset-done-close = You can close this page. The code you used no longer works.
reset-sent = If { $login } belongs to a profile, a code is on its way to it. It is valid for 15 minutes; the codes sent before it stay valid too.
reset-enter-code-for = Enter the code sent to { $login }.
reset-code-help = The { $digits } digits from the message sent to { $login }.
reset-password-help = At least { $min } characters, not one character repeated.
reset-sending = Sending…
reset-saving = Saving…
reset-quota = This address has been sent as many codes as it may for now. Use the last code you received (codes stay valid for 15 minutes), or ask again in { $wait }.
reset-error-login = Enter your email address or phone number.
reset-error-login-for-code = Enter the email address or phone number the code was sent to.
reset-error-code = Enter the code from the message.
reset-error-code-digits = A code has { $digits } digits.
reset-error-password = Choose a new password.
reset-error-password-short = A password needs at least { $min } characters.
reset-error-password-long = A password has at most { $max } characters.
reset-error-wrong-code = This code is not right, or it has expired or been used already.
reset-check-code = Check the code in your message, or ask for a new code.
reset-too-many-tries = Too many tries. Please wait { $wait }, then try again. Your code stays valid until it expires.
reset-trouble = Something went wrong on our side. Nothing was changed: please try again in a moment.
reset-done-text = Every session of your profile was signed out, everywhere. Sign in again with { $login } and your new password.
reset-no-app = This server does not know the address of the app you sign in to: sign in where you usually do, or ask your administrator.
reset-done-two-step = If two-step authentication is on for your profile, it stays on: the next time you sign in, you are asked for the code from your authenticator app (or a recovery code) after your new password.
reset-done-lost-device = Lost both the device with your authenticator app and your recovery codes? Ask your administrator or the service's support to switch two-step authentication off for your profile; then sign in with your password and set it up again.

## The development inbox

inbox-title = Development inbox
inbox-intro = What this server “sent” to the console: codes and links, newest first. Served only in development (console delivery on a loopback address, or EXTRANET_DEV=true).
inbox-clock = Clock
inbox-server-time = Server time: { $now }, { $offset }.
inbox-clock-hint = Move it forward to let invitations (7 days), codes (15 minutes) and sessions expire. It never moves back; a restart resets it.
inbox-advance-hour = +1 hour
inbox-advance-day = +1 day
inbox-advance-8-days = +8 days
inbox-on-time = on time
inbox-ahead = { $time } ahead
inbox-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
 }
inbox-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
 }
inbox-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
 }
inbox-messages = Messages
inbox-refresh = Refresh
inbox-empty = Nothing sent yet.
inbox-to = To
inbox-channel = Channel
inbox-sms = Text message
inbox-email = Email
inbox-subject = Subject
inbox-sent = Sent
inbox-code = Code
inbox-load-failed = Could not load the messages: { $error }. Try again.
inbox-clock-failed = The clock did not move: { $error }.

## The join page

join-title-loading = Checking your link
join-title-form = Join a workgroup
join-title-code = Enter your code
join-title-welcome = Welcome
join-title-waiting = Request sent
join-title-problem = Join link
join-loading = Checking your link…
join-invited-to = Join “{ $workgroup }” at { $account }
join-summary = You will join as an external user: you will see only the workgroups and projects you are a member of.
join-summary-approval = An owner or a moderator of the workgroup approves each request to join.
join-login = Email or phone number
join-login-help = A phone number with its country code, e.g. +14155550101.
join-first-name = First name
join-last-name = Last name
join-send = Send me a code
join-sending = Sending…
join-sent = We sent a code to { $login }. Enter it below, with a password.
join-code = Code
join-password = Password
join-password-help = At least { $min } characters. If you already have a profile with this login, its password.
join-button = Join
join-joining = Joining…
join-welcome-text = You are now a member of “{ $workgroup }” at { $account }.
join-waiting-text = Your request to join “{ $workgroup }” at { $account } waits for approval. You can sign in once it is approved.
join-error-login = Enter your email or phone number.
join-error-first-name = Enter your first name.
join-error-last-name = Enter your last name.
join-error-code = Enter the code you received.
join-error-password = Enter a password of at least { $min } characters.
join-error-wrong-code = This code is not right, or it has expired.
join-error-wrong-password = This login already has a profile, and this is not its password.
join-invalid-title = This join link is no longer valid
join-invalid-text = It may have been withdrawn, have expired, or have been used as many times as it allows. Ask whoever shared it for a new one.
join-trouble = Something went wrong on our side. Please try again in a moment.
join-refused = You cannot join with this link: { $reason }
