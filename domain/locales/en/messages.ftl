# Extranet's messages in English: emails (a subject and a text) and text messages (SMS).
# The code lays out each text (greeting, code, link); these are its sentences. Variables:
# $inviter, $account, $workgroup, $first_name, $link, $code, $minutes (a number: plural
# forms are chosen by the language's rules), $page, $new_login, $invitee, $approver, $count
# (a number of recovery codes, plural like $minutes).

-product = Extranet

## An invitation of a new person

invitation-subject = { $inviter } invites you to { $account }
invitation-subject-workgroup = { $inviter } invites you to the workgroup "{ $workgroup }" of { $account }
invitation-sms = { $inviter } invites you to { $account }: { $link }
invitation-sms-workgroup = { $inviter } invites you to the workgroup "{ $workgroup }" of { $account }: { $link }
invitation-email-intro =
    Hello { $first_name },

    { $inviter } invites you to join { $account }.
invitation-email-intro-workgroup =
    Hello { $first_name },

    { $inviter } invites you to join the workgroup "{ $workgroup }" of { $account }.
invitation-email-accept =
    Accept the invitation here:
    { $link }

    If you were not expecting it, ignore this message.

## An existing user asked into another workgroup

membership-subject = { $inviter } invites you to the workgroup "{ $workgroup }"
membership-text =
    { $inviter } invites you to the workgroup "{ $workgroup }" of { $account }.
    Sign in and accept it under your workgroup invitations.

## The code of a sign-up: nothing of the stranger who asked for it

sign-up-code-subject = { $code } is your code to create an account on { -product }
sign-up-code-sms = { $code } is your code to create an account on { -product }. It expires in { $minutes } min. Not you? Ignore this.
sign-up-code-email-ask =
    Hello,

    someone (we hope you) is creating an account on { -product } with this address. To confirm, enter this code:
sign-up-code-email-expiry =
    It expires in { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. If it was not you, ignore this message: nothing is created without the code.

## The code that proves a profile's new login

login-change-code-subject = { $code } is your code to sign in with this address
login-change-code-sms = { $code } is your code to make this number the login of your profile. It expires in { $minutes } min. Not you? Ignore this.
login-change-code-email-ask =
    Hello,

    someone (we hope you) asked to make this address the login of their profile. To confirm, enter this code:
login-change-code-email-expiry =
    It expires in { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. If it was not you, ignore this message: nothing changes without the code.

## The notice to a profile's old login

login-changed-subject = Your login was changed
login-changed-sms = The login of your profile was changed to { $new_login }. Not you? Contact your administrator.
login-changed-email =
    Hello,

    the login of your profile was changed to { $new_login }; this address no longer signs in. If you did not do this, contact your administrator at once.

## The code to reset a password

password-reset-code-subject = { $code } is your code to reset your { -product } password
password-reset-code-sms = { $code } is your code to reset your { -product } password. It expires in { $minutes } min. Not you? Ignore this.
password-reset-code-email-ask =
    Hello,

    someone (we hope you) asked to reset the password of the { -product } profile that signs in with this address. To choose a new password, enter this code:
password-reset-code-email-page = at { $page }
password-reset-code-email-expiry =
    It expires in { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. If it was not you, ignore this message: your password stays as it is.

## The notice that a password was changed (by its owner) or reset (with a code)

password-changed-subject = Your password was changed
password-changed-sms = The password of your { -product } profile was changed. Not you? Reset it at once and tell your administrator.
password-changed-email =
    Hello,

    the password of your { -product } profile was changed, and every other session was signed out.

    If you did not do this, reset your password at once at { $page } and tell your administrator.
password-reset-subject = Your password was reset
password-reset-sms = The password of your { -product } profile was reset with a code sent to one of its logins. Not you? Reset it at once and tell your administrator.
password-reset-email =
    Hello,

    the password of your { -product } profile was reset with a code sent to one of its logins, and every session was signed out.

    If you did not do this, reset your password at once at { $page } and tell your administrator.

## What became of an employee's invitation that waited for an administrator's approval
## ($invitee: the invited person's name and login; $approver: the administrator)

invitation-approved-subject = Your invitation of { $invitee } was approved
invitation-approved-text =
    { $approver } approved your invitation of { $invitee } to { $account }: it has been sent.
invitation-rejected-subject = Your invitation of { $invitee } was not approved
invitation-rejected-text =
    { $approver } did not approve your invitation of { $invitee } to { $account }. Nothing was sent, and the seat it held is free again.

## The code that proves a login asking to join through a join link: nothing of the stranger

join-code-subject = { $code } is your code to join a workgroup on { -product }
join-code-sms = { $code } is your code to join a workgroup on { -product }. It expires in { $minutes } min. Not you? Ignore this.
join-code-email-ask =
    Hello,

    someone (we hope you) asked to join a workgroup on { -product } with this address. To confirm, enter this code:
join-code-email-expiry =
    It expires in { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. If it was not you, ignore this message: nothing is created without the code.

## The reminders that an external user's access ends, 7 days and 1 day before ($ends: its
## date and time, UTC; $inviter: who invited them; $user: their name and login). The "-admins"
## texts are for a user whose inviter is no longer there.

access-ending-week-subject = Your access to { $account } ends within a week
access-ending-day-subject = Your access to { $account } ends within a day
access-ending-email =
    Hello { $first_name },

    your access to { $account } on { -product } ends on { $ends }. From then on you can no longer sign in to it.

    If you need more time, ask { $inviter }, who invited you, or an administrator of { $account } to extend it.
access-ending-email-admins =
    Hello { $first_name },

    your access to { $account } on { -product } ends on { $ends }. From then on you can no longer sign in to it.

    If you need more time, ask an administrator of { $account } to extend it.
access-ending-sms = Your access to { $account } on { -product } ends on { $ends }. For more time, ask { $inviter } or an administrator.
access-ending-sms-admins = Your access to { $account } on { -product } ends on { $ends }. For more time, ask an administrator of { $account }.
access-ending-inviter-week-subject = The access of { $user } ends within a week
access-ending-inviter-day-subject = The access of { $user } ends within a day
access-ending-inviter-text =
    The access of { $user }, whom you invited, to { $account } ends on { $ends }. From then on they can no longer sign in, and their seat is free again.

    If they need more time, an administrator of { $account } can extend it.

## The notice to each login of a profile that its two-step authentication changed: switched
## on, switched off (by its owner, or by support at their request), or a recovery code used to
## sign in ($count: the recovery codes left). The "-few" texts, for when few codes are left,
## also say how to get new ones. A text message leaves the page out to stay one message.

two-factor-enabled-subject = Two-step authentication was switched on
two-factor-enabled-sms = Two-step authentication is on for your { -product } profile; other sessions were signed out. Not you? Reset your password and tell your administrator.
two-factor-enabled-email =
    Hello,

    two-step authentication was switched on for your { -product } profile: signing in now takes a code from an authenticator app as well as the password, and every other session was signed out.

    Not you? Reset your password at once at { $page } and tell your administrator.
two-factor-disabled-subject = Two-step authentication was switched off
two-factor-disabled-sms = Two-step authentication is off for your { -product } profile; signing in needs only the password. Not you? Reset your password and tell your administrator.
two-factor-disabled-email =
    Hello,

    two-step authentication was switched off for your { -product } profile: your logins now need only the password to sign in.

    Not you? Reset your password at once at { $page } and tell your administrator.
two-factor-disabled-by-support-subject = Two-step authentication was switched off by support
two-factor-disabled-by-support-sms = At your request, support switched off two-step authentication for your { -product } profile. Did not ask for it? Reset your password and tell your administrator.
two-factor-disabled-by-support-email =
    Hello,

    at your request, { -product } support switched off two-step authentication for your profile: your logins now need only the password to sign in.

    Did you not ask for this? Reset your password at once at { $page } and tell your administrator.
two-factor-recovery-code-used-subject = A recovery code was used to sign in
two-factor-recovery-code-used-sms = A recovery code of your { -product } profile was used to sign in; { $count } left. Not you? Reset your password and tell your administrator.
two-factor-recovery-code-used-email =
    Hello,

    one of the recovery codes of your { -product } profile was used to sign in. { $count ->
        [0] No recovery codes are left.
        [one] { $count } recovery code is left.
       *[other] { $count } recovery codes are left.
    }

    Not you? Reset your password at once at { $page } and tell your administrator.
two-factor-recovery-code-used-few-sms = { -product }: a recovery code was used to sign in; { $count } left. Make new ones in your profile. Not you? Reset your password and tell your administrator.
two-factor-recovery-code-used-few-email =
    Hello,

    one of the recovery codes of your { -product } profile was used to sign in. { $count ->
        [0] No recovery codes are left.
        [one] { $count } recovery code is left.
       *[other] { $count } recovery codes are left.
    } You can make a new set in your profile's two-step settings.

    Not you? Reset your password at once at { $page } and tell your administrator.
two-factor-recovery-codes-renewed-subject = New recovery codes were made
two-factor-recovery-codes-renewed-sms = New recovery codes were made for your { -product } profile; the old ones no longer work. Not you? Reset your password and tell your administrator.
two-factor-recovery-codes-renewed-email =
    Hello,

    a new set of recovery codes was made for your { -product } profile; the old ones no longer work.

    Not you? Reset your password at once at { $page } and tell your administrator.

## The code that confirms a person's own erasure (rule 14)

erasure-code-subject = { $code } is your code to erase your profile's data
erasure-code-sms = { $code } is your code to ERASE your profile and all its data. It expires in { $minutes } min. Not you? Change your password now.
erasure-code-email-ask =
    Hello,

    someone signed in to your profile, with your password, asked to erase it and all its data for good: your accounts would see an "Erased user" and your login would be free. To confirm, enter this code:
erasure-code-email-expiry =
    It expires in { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. If it was not you, nothing is erased without the code — but someone knows your password: change it now.
