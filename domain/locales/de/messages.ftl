# Die Nachrichten von Extranet auf Deutsch: E-Mails (Betreff und Text) und SMS.
# Variablen wie im englischen Katalog (domain/locales/en/messages.ftl).

-product = Extranet

## Einladung einer neuen Person

invitation-subject = { $inviter } lädt Sie zu { $account } ein
invitation-subject-workgroup = { $inviter } lädt Sie in die Arbeitsgruppe „{ $workgroup }“ von { $account } ein
invitation-sms = { $inviter } lädt Sie zu { $account } ein: { $link }
invitation-sms-workgroup = { $inviter } lädt Sie in die Arbeitsgruppe „{ $workgroup }“ von { $account } ein: { $link }
invitation-email-intro =
    Hallo { $first_name },

    { $inviter } lädt Sie ein, { $account } beizutreten.
invitation-email-intro-workgroup =
    Hallo { $first_name },

    { $inviter } lädt Sie ein, der Arbeitsgruppe „{ $workgroup }“ von { $account } beizutreten.
invitation-email-accept =
    Hier können Sie die Einladung annehmen:
    { $link }

    Falls Sie diese Einladung nicht erwartet haben, ignorieren Sie diese Nachricht einfach.

## Ein bestehender Benutzer wird in eine weitere Arbeitsgruppe eingeladen

membership-subject = { $inviter } lädt Sie in die Arbeitsgruppe „{ $workgroup }“ ein
membership-text =
    { $inviter } lädt Sie in die Arbeitsgruppe „{ $workgroup }“ von { $account } ein.
    Melden Sie sich an und nehmen Sie die Einladung unter Ihren Arbeitsgruppen-Einladungen an.

## Der Code einer Registrierung

sign-up-code-subject = { $code } ist Ihr Code, um ein Konto bei { -product } anzulegen
sign-up-code-sms = { $code } ist Ihr Code, um ein Konto bei { -product } anzulegen. Gültig für { $minutes } Min. Nicht Sie? Ignorieren Sie diese SMS.
sign-up-code-email-ask =
    Hallo,

    jemand (hoffentlich Sie) legt mit dieser Adresse ein Konto bei { -product } an. Geben Sie zur Bestätigung diesen Code ein:
sign-up-code-email-expiry =
    Der Code ist { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } lang gültig. Falls Sie das nicht waren, ignorieren Sie diese Nachricht: Ohne den Code wird nichts angelegt.

## Der Code, der eine neue Anmeldeadresse bestätigt

login-change-code-subject = { $code } ist Ihr Code, um sich mit dieser Adresse anzumelden
login-change-code-sms = { $code } ist Ihr Code, um diese Nummer zur Anmeldung Ihres Profils zu machen. Gültig für { $minutes } Min. Nicht Sie? Ignorieren Sie diese SMS.
login-change-code-email-ask =
    Hallo,

    jemand (hoffentlich Sie) möchte diese Adresse zur Anmeldeadresse seines Profils machen. Geben Sie zur Bestätigung diesen Code ein:
login-change-code-email-expiry =
    Der Code ist { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } lang gültig. Falls Sie das nicht waren, ignorieren Sie diese Nachricht: Ohne den Code ändert sich nichts.

## Hinweis an die bisherige Anmeldeadresse

login-changed-subject = Ihre Anmeldeadresse wurde geändert
login-changed-sms = Die Anmeldung Ihres Profils wurde auf { $new_login } geändert. Nicht Sie? Wenden Sie sich an Ihren Administrator.
login-changed-email =
    Hallo,

    die Anmeldeadresse Ihres Profils wurde auf { $new_login } geändert; mit dieser Adresse können Sie sich nicht mehr anmelden. Falls Sie das nicht waren, wenden Sie sich sofort an Ihren Administrator.

## Der Code zum Zurücksetzen eines Passworts

password-reset-code-subject = { $code } ist Ihr Code, um Ihr { -product }-Passwort zurückzusetzen
password-reset-code-sms = { $code } ist Ihr Code, um Ihr { -product }-Passwort zurückzusetzen. Gültig für { $minutes } Min. Nicht Sie? Ignorieren Sie diese SMS.
password-reset-code-email-ask =
    Hallo,

    jemand (hoffentlich Sie) möchte das Passwort des { -product }-Profils zurücksetzen, das sich mit dieser Adresse anmeldet. Um ein neues Passwort zu wählen, geben Sie diesen Code ein:
password-reset-code-email-page = unter { $page }
password-reset-code-email-expiry =
    Der Code ist { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } lang gültig. Falls Sie das nicht waren, ignorieren Sie diese Nachricht: Ihr Passwort bleibt, wie es ist.

## Hinweis, dass ein Passwort geändert (von seinem Inhaber) oder zurückgesetzt (mit einem Code) wurde

password-changed-subject = Ihr Passwort wurde geändert
password-changed-sms = Das Passwort Ihres { -product }-Profils wurde geändert. Nicht Sie? Setzen Sie es sofort zurück und informieren Sie Ihren Administrator.
password-changed-email =
    Hallo,

    das Passwort Ihres { -product }-Profils wurde geändert, und alle anderen Sitzungen wurden abgemeldet.

    Falls Sie das nicht waren, setzen Sie Ihr Passwort sofort unter { $page } zurück und informieren Sie Ihren Administrator.
password-reset-subject = Ihr Passwort wurde zurückgesetzt
password-reset-sms = Das Passwort Ihres { -product }-Profils wurde mit einem Code zurückgesetzt. Nicht Sie? Setzen Sie es sofort zurück und informieren Sie Ihren Administrator.
password-reset-email =
    Hallo,

    das Passwort Ihres { -product }-Profils wurde mit einem Code zurückgesetzt, der an eine seiner Anmeldeadressen ging, und alle Sitzungen wurden abgemeldet.

    Falls Sie das nicht waren, setzen Sie Ihr Passwort sofort unter { $page } zurück und informieren Sie Ihren Administrator.

## Was aus der Einladung eines Mitarbeiters wurde, die auf die Freigabe eines Administrators wartete

invitation-approved-subject = Ihre Einladung an { $invitee } wurde freigegeben
invitation-approved-text =
    { $approver } hat Ihre Einladung an { $invitee } zu { $account } freigegeben: Sie wurde versendet.
invitation-rejected-subject = Ihre Einladung an { $invitee } wurde nicht freigegeben
invitation-rejected-text =
    { $approver } hat Ihre Einladung an { $invitee } zu { $account } nicht freigegeben. Es wurde nichts versendet, und der Platz, den sie belegte, ist wieder frei.

## Der Code, mit dem jemand über einen Beitrittslink beitreten möchte

join-code-subject = { $code } ist Ihr Code, um einer Arbeitsgruppe bei { -product } beizutreten
join-code-sms = { $code } ist Ihr Code, um einer Arbeitsgruppe bei { -product } beizutreten. Gültig für { $minutes } Min. Nicht Sie? Ignorieren Sie diese SMS.
join-code-email-ask =
    Hallo,

    jemand (hoffentlich Sie) möchte mit dieser Adresse einer Arbeitsgruppe bei { -product } beitreten. Geben Sie zur Bestätigung diesen Code ein:
join-code-email-expiry =
    Der Code ist { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } lang gültig. Falls Sie das nicht waren, ignorieren Sie diese Nachricht: Ohne den Code wird nichts angelegt.

## Die Erinnerungen, dass der Zugang eines externen Nutzers endet, 7 Tage und 1 Tag vorher

access-ending-week-subject = Ihr Zugang zu { $account } endet in weniger als einer Woche
access-ending-day-subject = Ihr Zugang zu { $account } endet in weniger als einem Tag
access-ending-email =
    Hallo { $first_name },

    Ihr Zugang zu { $account } bei { -product } endet am { $ends }. Danach können Sie sich dort nicht mehr anmelden.

    Wenn Sie mehr Zeit brauchen, bitten Sie die Person, die Sie eingeladen hat ({ $inviter }), oder einen Administrator von { $account }, ihn zu verlängern.
access-ending-email-admins =
    Hallo { $first_name },

    Ihr Zugang zu { $account } bei { -product } endet am { $ends }. Danach können Sie sich dort nicht mehr anmelden.

    Wenn Sie mehr Zeit brauchen, bitten Sie einen Administrator von { $account }, ihn zu verlängern.
access-ending-sms = Ihr Zugang zu { $account } bei { -product } endet am { $ends }. Für mehr Zeit fragen Sie { $inviter } oder einen Administrator.
access-ending-sms-admins = Ihr Zugang zu { $account } bei { -product } endet am { $ends }. Für mehr Zeit fragen Sie einen Administrator von { $account }.
access-ending-inviter-week-subject = Der Zugang von { $user } endet in weniger als einer Woche
access-ending-inviter-day-subject = Der Zugang von { $user } endet in weniger als einem Tag
access-ending-inviter-text =
    Sie haben { $user } zu { $account } eingeladen; dieser Zugang endet am { $ends }. Danach ist keine Anmeldung mehr möglich, und der Platz wird wieder frei.

    Falls mehr Zeit nötig ist, kann ein Administrator von { $account } den Zugang verlängern.

## Hinweis, dass sich die zweistufige Authentifizierung eines Profils geändert hat: aktiviert,
## deaktiviert (vom Inhaber oder auf seinen Wunsch vom Support) oder ein Wiederherstellungscode
## zur Anmeldung verwendet ($count: die verbleibenden Codes; „-few“: nur noch wenige übrig)

two-factor-enabled-subject = Die zweistufige Authentifizierung wurde aktiviert
two-factor-enabled-sms = Zweistufige Authentifizierung für Ihr { -product }-Profil aktiviert, andere Sitzungen abgemeldet. Nicht Sie? Passwort zurücksetzen, Administrator informieren.
two-factor-enabled-email =
    Hallo,

    für Ihr { -product }-Profil wurde die zweistufige Authentifizierung aktiviert: Zur Anmeldung ist jetzt neben dem Passwort auch ein Code aus einer Authenticator-App nötig, und alle anderen Sitzungen wurden abgemeldet.

    Nicht Sie? Setzen Sie Ihr Passwort sofort unter { $page } zurück und informieren Sie Ihren Administrator.
two-factor-disabled-subject = Die zweistufige Authentifizierung wurde deaktiviert
two-factor-disabled-sms = Zweistufige Authentifizierung für Ihr { -product }-Profil deaktiviert, nur noch Passwort nötig. Nicht Sie? Passwort zurücksetzen, Administrator informieren.
two-factor-disabled-email =
    Hallo,

    für Ihr { -product }-Profil wurde die zweistufige Authentifizierung deaktiviert: Zur Anmeldung genügt jetzt allein das Passwort.

    Nicht Sie? Setzen Sie Ihr Passwort sofort unter { $page } zurück und informieren Sie Ihren Administrator.
two-factor-disabled-by-support-subject = Die zweistufige Authentifizierung wurde vom Support deaktiviert
two-factor-disabled-by-support-sms = Auf Ihren Wunsch hat der Support die zweistufige Authentifizierung für { -product } deaktiviert. Nicht gewünscht? Passwort zurücksetzen, Administrator informieren.
two-factor-disabled-by-support-email =
    Hallo,

    auf Ihren Wunsch hat der { -product }-Support die zweistufige Authentifizierung für Ihr Profil deaktiviert: Zur Anmeldung genügt jetzt allein das Passwort.

    Haben Sie das nicht veranlasst? Setzen Sie Ihr Passwort sofort unter { $page } zurück und informieren Sie Ihren Administrator.
two-factor-recovery-code-used-subject = Ein Wiederherstellungscode wurde zur Anmeldung verwendet
two-factor-recovery-code-used-sms = Ein Wiederherstellungscode Ihres { -product }-Profils wurde zur Anmeldung verwendet, { $count } übrig. Nicht Sie? Passwort zurücksetzen, Administrator informieren.
two-factor-recovery-code-used-email =
    Hallo,

    einer der Wiederherstellungscodes Ihres { -product }-Profils wurde zur Anmeldung verwendet. { $count ->
        [0] Es ist kein Wiederherstellungscode mehr übrig.
        [one] Es ist noch { $count } Wiederherstellungscode übrig.
       *[other] Es sind noch { $count } Wiederherstellungscodes übrig.
    }

    Nicht Sie? Setzen Sie Ihr Passwort sofort unter { $page } zurück und informieren Sie Ihren Administrator.
two-factor-recovery-code-used-few-sms = Wiederherstellungscode benutzt, { $count } übrig; neue im Profil erstellen. Nicht Sie? Passwort zurücksetzen, Admin informieren.
two-factor-recovery-code-used-few-email =
    Hallo,

    einer der Wiederherstellungscodes Ihres { -product }-Profils wurde zur Anmeldung verwendet. { $count ->
        [0] Es ist kein Wiederherstellungscode mehr übrig.
        [one] Es ist noch { $count } Wiederherstellungscode übrig.
       *[other] Es sind noch { $count } Wiederherstellungscodes übrig.
    } Neue Codes erstellen Sie in Ihrem Profil bei der zweistufigen Authentifizierung.

    Nicht Sie? Setzen Sie Ihr Passwort sofort unter { $page } zurück und informieren Sie Ihren Administrator.
two-factor-recovery-codes-renewed-subject = Neue Wiederherstellungscodes wurden erstellt
two-factor-recovery-codes-renewed-sms = Für Ihr { -product }-Profil wurden neue Wiederherstellungscodes erstellt; die alten gelten nicht mehr. Nicht Sie? Passwort zurücksetzen, Admin informieren.
two-factor-recovery-codes-renewed-email =
    Hallo,

    für Ihr { -product }-Profil wurden neue Wiederherstellungscodes erstellt; die alten gelten nicht mehr.

    Nicht Sie? Setzen Sie Ihr Passwort sofort unter { $page } zurück und informieren Sie Ihren Administrator.

## The code that confirms a person's own erasure (rule 14)

erasure-code-subject = { $code } ist Ihr Code, um die Daten Ihres Profils zu löschen
erasure-code-sms = { $code } ist Ihr Code, um Ihr Profil und alle seine Daten zu LÖSCHEN. Gültig für { $minutes } Min. Nicht Sie? Ändern Sie sofort Ihr Passwort.
erasure-code-email-ask =
    Hallo,

    jemand, der mit Ihrem Passwort in Ihrem Profil angemeldet ist, möchte es mit allen Daten endgültig löschen: Ihre Konten sähen einen „gelöschten Benutzer“, und Ihre Anmeldung wäre frei. Geben Sie zur Bestätigung diesen Code ein:
erasure-code-email-expiry =
    Der Code ist { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } lang gültig. Falls Sie das nicht waren: Ohne den Code wird nichts gelöscht — aber jemand kennt Ihr Passwort. Ändern Sie es sofort.
