# Die Texte der Seiten des Servers auf Deutsch: /accept, /reset-password und /dev/inbox.

## Gemeinsam

language-label = Sprache
show = Anzeigen
hide = Verbergen
show-password = Passwort anzeigen
hide-password = Passwort verbergen
noscript = Diese Seite benötigt JavaScript. Bitte aktivieren Sie es und öffnen Sie die Seite erneut.
correct-marked = Bitte korrigieren Sie die oben markierten Angaben.
wait-seconds = { $seconds ->
    [one] { $seconds } Sekunde
   *[other] { $seconds } Sekunden
 }
wait-minutes = { $minutes ->
    [one] { $minutes } Minute
   *[other] { $minutes } Minuten
 }
wait-moment = einen Moment
too-many-attempts = Zu viele Versuche. Bitte warten Sie { $wait } und versuchen Sie es dann erneut.
no-connection = Der Server ist nicht erreichbar. Prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.
sign-in-at = Melden Sie sich unter { $link } an.
what-next = Wie geht es weiter?

## Zweistufige Authentifizierung: Die Einladungs- und die Beitrittsseite fragen ein bestehendes
## Profil, bei dem sie aktiviert ist, nach seinem Code

second-factor-code = Code aus Ihrer Authenticator-App
second-factor-help = Die sechs Ziffern, die Ihre Authenticator-App gerade anzeigt, oder einer Ihrer Wiederherstellungscodes (xxxxx-xxxxx).
second-factor-asked = Für Ihr Profil ist die zweistufige Authentifizierung aktiviert: Geben Sie den Code aus Ihrer Authenticator-App oder einen Wiederherstellungscode ein und senden Sie erneut.
second-factor-error-empty = Geben Sie den Code aus Ihrer Authenticator-App oder einen Wiederherstellungscode ein.
second-factor-error-format = Ein Code besteht aus den sechs Ziffern, die Ihre App anzeigt, oder ist ein Wiederherstellungscode wie abcde-fghjk.
second-factor-error-wrong = Dieser Code ist falsch oder wurde bereits verwendet. Geben Sie den Code ein, den Ihre App jetzt anzeigt (nach einem Code, der funktioniert hat, warten Sie auf den nächsten), oder einen Wiederherstellungscode.
second-factor-not-right = Der Code ist falsch.
second-factor-wait = Zu viele Versuche. Bitte warten Sie { $wait } und versuchen Sie es dann mit dem Code erneut, den Ihre App dann anzeigt.
second-factor-sign-in = Die zweistufige Authentifizierung bleibt aktiviert: Bei der Anmeldung geben Sie nach Ihrem Passwort den Code aus Ihrer Authenticator-App ein.

## Die Einladungsseite

accept-title-loading = Einladung wird geprüft
accept-title-invitation = Ihre Einladung
accept-title-welcome = Willkommen
accept-title-declined = Einladung abgelehnt
accept-title-problem = Einladungslink
accept-loading = Ihre Einladung wird geprüft …
accept-noscript = Diese Seite benötigt JavaScript, um Ihre Einladung anzuzeigen. Bitte aktivieren Sie es und öffnen Sie den Link erneut.
accept-invited-to = Sie sind zu { $account } eingeladen
accept-workgroup = Arbeitsgruppe
accept-project = Projekt
accept-invited-by = Eingeladen von
accept-invitation-for = Einladung für
accept-valid-until = Gültig bis
accept-someone = Jemand
accept-summary = { $inviter } lädt Sie ein, { $account } beizutreten.
accept-summary-workgroup = { $inviter } lädt Sie ein, { $account } und der Arbeitsgruppe „{ $workgroup }“ beizutreten.
accept-summary-project = { $inviter } lädt Sie ein, { $account } und dem Projekt „{ $workgroup }“ beizutreten.
accept-summary-external = Sie treten als externer Benutzer bei: Sie sehen nur die Arbeitsgruppen und Projekte, zu denen Sie eingeladen sind.
accept-message-from = Eine Nachricht von { $inviter }:
accept-form-new = Passwort festlegen und beitreten
accept-form-existing = Anmelden und beitreten
accept-hint-new = Prüfen Sie Ihren Namen und wählen Sie das Passwort, mit dem Sie sich anmelden werden.
accept-hint-existing-email = Sie haben bereits ein Profil mit der E-Mail-Adresse { $login }. Geben Sie dessen Passwort ein, um { $account } hinzuzufügen.
accept-hint-existing-phone = Sie haben bereits ein Profil mit der Telefonnummer { $login }. Geben Sie dessen Passwort ein, um { $account } hinzuzufügen.
accept-first-name = Vorname
accept-last-name = Nachname
accept-password-new = Passwort wählen
accept-password-existing = Passwort Ihres bestehenden Profils
accept-password-help-new = Mindestens { $min } Zeichen.
accept-password-help-existing = Das Passwort, mit dem Sie sich bereits anmelden.
accept-button = Einladung annehmen
accept-joining = Beitritt läuft …
accept-decline = Ablehnen
accept-decline-question = Diese Einladung ablehnen?
accept-decline-consequence = Sie treten { $account } nicht bei. Um später beizutreten, brauchen Sie eine neue Einladung.
accept-decline-yes = Ja, ablehnen
accept-decline-no = Nein, zurück
accept-declining = Wird abgelehnt …
accept-error-first-name = Geben Sie Ihren Vornamen ein.
accept-error-last-name = Geben Sie Ihren Nachnamen ein.
accept-error-name-long = Ein Name hat höchstens { $max } Zeichen.
accept-error-password-existing = Geben Sie das Passwort Ihres bestehenden Profils ein.
accept-error-password-new = Wählen Sie ein Passwort.
accept-error-password-short = Ein Passwort braucht mindestens { $min } Zeichen.
accept-error-password-long = Ein Passwort hat höchstens { $max } Zeichen.
accept-error-wrong-password = Das ist nicht das Passwort Ihres bestehenden Profils. Prüfen Sie es und versuchen Sie es erneut.
accept-error-password-not-right = Das Passwort ist nicht richtig.
accept-error-cannot-accept = Die Einladung kann gerade nicht angenommen werden.
accept-trouble = Bei uns ist etwas schiefgegangen. Ihre Einladung ist unverändert: Bitte versuchen Sie es gleich noch einmal.
accept-invalid-title = Dieser Einladungslink ist nicht mehr gültig
accept-invalid-text = Er wurde vielleicht schon verwendet, abgelehnt oder zurückgezogen, oder ein neuerer Link hat ihn ersetzt.
accept-ask-again = Bitten Sie die Person, die Sie eingeladen hat, die Einladung erneut zu senden.
accept-invalid-next = Bitten Sie die Person, die Sie eingeladen hat, die Einladung erneut zu senden. Wenn Sie bereits angenommen haben, melden Sie sich mit Ihrer E-Mail-Adresse oder Telefonnummer und Ihrem Passwort an.
accept-expired-title = Diese Einladung ist abgelaufen
accept-expired-text = Einladungen sind nur begrenzte Zeit gültig.
accept-wait-title = Bitte warten Sie einen Moment
accept-trouble-title = Ihre Einladung konnte nicht geöffnet werden
accept-retry = Erneut versuchen
accept-incomplete-title = Dieser Einladungslink ist unvollständig
accept-incomplete-text = Der geöffnete Link enthält den Einladungscode nicht.
accept-incomplete-next = Kopieren Sie den vollständigen Link aus Ihrer Einladung (er endet mit „#token=“ und einem langen Code) und öffnen Sie ihn erneut. Wenn Sie diese Seite neu geladen haben, öffnen Sie den Link aus Ihrer Nachricht noch einmal.
accept-welcome-title = Willkommen, { $name }!
accept-welcome-text = Sie sind { $account } beigetreten.
accept-welcome-text-workgroup = Sie sind { $account } beigetreten und jetzt Mitglied der Arbeitsgruppe „{ $workgroup }“.
accept-welcome-text-project = Sie sind { $account } beigetreten und jetzt Mitglied des Projekts „{ $workgroup }“.
accept-welcome-next-new = Um in { $account } zu arbeiten, melden Sie sich mit { $login } und dem gerade gewählten Passwort an.
accept-welcome-next-existing = Um in { $account } zu arbeiten, melden Sie sich mit { $login } und dem Passwort Ihres Profils an. Dasselbe Profil gibt Ihnen jetzt Zugang zu { $account } und zu Ihren anderen Konten.
accept-no-app = Dieser Server kennt die Adresse der App nicht, in der Sie sich anmelden: Fragen Sie die Person, die Sie eingeladen hat, wo Sie sich anmelden.
accept-welcome-close = Sie können diese Seite schließen. Der Link in Ihrer Nachricht funktioniert nicht mehr: Er war nur einmal verwendbar.
accept-declined-title = Sie haben die Einladung abgelehnt
accept-declined-text = Sie treten { $account } nicht bei. Die Einladung ist als abgelehnt markiert, sodass { $inviter } Ihre Antwort sehen kann.
accept-declined-inviter = die Person, die Sie eingeladen hat,
accept-declined-next = Wenn Sie es sich anders überlegen, bitten Sie die Person, die Sie eingeladen hat, um eine neue Einladung. Sie können diese Seite schließen.

## Die Seite zum Zurücksetzen des Passworts

reset-title-request = Passwort zurücksetzen
reset-title-code = Code eingeben
reset-title-done = Ihr Passwort ist gesetzt
reset-intro = Geben Sie die E-Mail-Adresse oder Telefonnummer ein, mit der Sie sich anmelden. Gehört sie zu einem Profil, senden wir einen sechsstelligen Code dorthin.
reset-login = E-Mail-Adresse oder Telefonnummer
reset-login-help = Eine Telefonnummer mit Ländervorwahl, z. B. +14155550101.
reset-send = Code senden
reset-have-code = Ich habe schon einen Code
reset-code-title = Code und neues Passwort eingeben
reset-code = Sechsstelliger Code
reset-new-password = Neues Passwort
reset-set = Neues Passwort festlegen
reset-resend = Neuen Code senden
reset-change-login = Andere E-Mail-Adresse oder Telefonnummer verwenden
reset-done-close = Sie können diese Seite schließen. Der verwendete Code funktioniert nicht mehr.
reset-sent = Falls { $login } zu einem Profil gehört, ist ein Code dorthin unterwegs. Er ist 15 Minuten gültig; zuvor gesendete Codes bleiben ebenfalls gültig.
reset-enter-code-for = Geben Sie den an { $login } gesendeten Code ein.
reset-code-help = Die { $digits } Ziffern aus der Nachricht an { $login }.
reset-password-help = Mindestens { $min } Zeichen, nicht nur ein wiederholtes Zeichen.
reset-sending = Wird gesendet …
reset-saving = Wird gespeichert …
reset-quota = An diese Adresse wurden vorerst so viele Codes gesendet wie erlaubt. Verwenden Sie den zuletzt erhaltenen Code (Codes sind 15 Minuten gültig) oder fragen Sie in { $wait } erneut.
reset-error-login = Geben Sie Ihre E-Mail-Adresse oder Telefonnummer ein.
reset-error-login-for-code = Geben Sie die E-Mail-Adresse oder Telefonnummer ein, an die der Code ging.
reset-error-code = Geben Sie den Code aus der Nachricht ein.
reset-error-code-digits = Ein Code hat { $digits } Ziffern.
reset-error-password = Wählen Sie ein neues Passwort.
reset-error-password-short = Ein Passwort braucht mindestens { $min } Zeichen.
reset-error-password-long = Ein Passwort hat höchstens { $max } Zeichen.
reset-error-wrong-code = Dieser Code stimmt nicht, ist abgelaufen oder wurde schon verwendet.
reset-check-code = Prüfen Sie den Code in Ihrer Nachricht oder fordern Sie einen neuen an.
reset-too-many-tries = Zu viele Versuche. Bitte warten Sie { $wait } und versuchen Sie es dann erneut. Ihr Code bleibt gültig, bis er abläuft.
reset-trouble = Bei uns ist etwas schiefgegangen. Es wurde nichts geändert: Bitte versuchen Sie es gleich noch einmal.
reset-done-text = Alle Sitzungen Ihres Profils wurden überall abgemeldet. Melden Sie sich erneut mit { $login } und Ihrem neuen Passwort an.
reset-no-app = Dieser Server kennt die Adresse der App nicht, in der Sie sich anmelden: Melden Sie sich wie gewohnt an oder fragen Sie Ihren Administrator.
reset-done-two-step = Wenn für Ihr Profil die zweistufige Authentifizierung aktiviert ist, bleibt sie aktiviert: Bei der nächsten Anmeldung werden Sie nach Ihrem neuen Passwort nach dem Code aus Ihrer Authenticator-App (oder einem Wiederherstellungscode) gefragt.
reset-done-lost-device = Sie haben sowohl das Gerät mit Ihrer Authenticator-App als auch Ihre Wiederherstellungscodes verloren? Bitten Sie Ihren Administrator oder den Support des Dienstes, die zweistufige Authentifizierung für Ihr Profil zu deaktivieren; melden Sie sich dann mit Ihrem Passwort an und richten Sie sie neu ein.

## Der Entwicklungs-Posteingang

inbox-title = Entwicklungs-Posteingang
inbox-intro = Was dieser Server an die Konsole „gesendet“ hat: Codes und Links, neueste zuerst. Nur in der Entwicklung verfügbar (Konsolenversand auf einer Loopback-Adresse oder EXTRANET_DEV=true).
inbox-clock = Uhr
inbox-server-time = Serverzeit: { $now }, { $offset }.
inbox-clock-hint = Stellen Sie sie vor, um Einladungen (7 Tage), Codes (15 Minuten) und Sitzungen ablaufen zu lassen. Sie geht nie zurück; ein Neustart setzt sie zurück.
inbox-advance-hour = +1 Stunde
inbox-advance-day = +1 Tag
inbox-advance-8-days = +8 Tage
inbox-on-time = pünktlich
inbox-ahead = { $time } voraus
inbox-days = { $count ->
    [one] { $count } Tag
   *[other] { $count } Tage
 }
inbox-hours = { $count ->
    [one] { $count } Stunde
   *[other] { $count } Stunden
 }
inbox-minutes = { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
 }
inbox-messages = Nachrichten
inbox-refresh = Aktualisieren
inbox-empty = Noch nichts gesendet.
inbox-to = An
inbox-channel = Kanal
inbox-sms = SMS
inbox-email = E-Mail
inbox-subject = Betreff
inbox-sent = Gesendet
inbox-code = Code
inbox-load-failed = Die Nachrichten konnten nicht geladen werden: { $error }. Versuchen Sie es erneut.
inbox-clock-failed = Die Uhr wurde nicht verstellt: { $error }.

## Die Beitrittsseite

join-title-loading = Ihr Link wird geprüft
join-title-form = Einer Arbeitsgruppe beitreten
join-title-code = Code eingeben
join-title-welcome = Willkommen
join-title-waiting = Anfrage gesendet
join-title-problem = Beitrittslink
join-loading = Ihr Link wird geprüft…
join-invited-to = „{ $workgroup }“ bei { $account } beitreten
join-summary = Sie treten als externer Benutzer bei: Sie sehen nur die Arbeitsgruppen und Projekte, deren Mitglied Sie sind.
join-summary-approval = Ein Besitzer oder Moderator der Arbeitsgruppe bestätigt jede Beitrittsanfrage.
join-login = E-Mail oder Telefonnummer
join-login-help = Eine Telefonnummer mit Ländervorwahl, z. B. +14155550101.
join-first-name = Vorname
join-last-name = Nachname
join-send = Code senden
join-sending = Wird gesendet…
join-sent = Wir haben einen Code an { $login } gesendet. Geben Sie ihn unten ein, zusammen mit einem Passwort.
join-code = Code
join-password = Passwort
join-password-help = Mindestens { $min } Zeichen. Haben Sie mit dieser Anmeldung schon ein Profil, dessen Passwort.
join-button = Beitreten
join-joining = Beitritt läuft…
join-welcome-text = Sie sind jetzt Mitglied von „{ $workgroup }“ bei { $account }.
join-waiting-text = Ihre Anfrage, „{ $workgroup }“ bei { $account } beizutreten, wartet auf Bestätigung. Sobald sie bestätigt ist, können Sie sich anmelden.
join-error-login = Geben Sie Ihre E-Mail-Adresse oder Telefonnummer ein.
join-error-first-name = Geben Sie Ihren Vornamen ein.
join-error-last-name = Geben Sie Ihren Nachnamen ein.
join-error-code = Geben Sie den erhaltenen Code ein.
join-error-password = Geben Sie ein Passwort mit mindestens { $min } Zeichen ein.
join-error-wrong-code = Dieser Code ist falsch oder abgelaufen.
join-error-wrong-password = Zu dieser Anmeldung gibt es schon ein Profil, und dies ist nicht sein Passwort.
join-invalid-title = Dieser Beitrittslink ist nicht mehr gültig
join-invalid-text = Er wurde vielleicht zurückgezogen, ist abgelaufen oder so oft benutzt worden, wie er erlaubt. Bitten Sie die Person, die ihn geteilt hat, um einen neuen.
join-trouble = Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es gleich noch einmal.
join-refused = Mit diesem Link können Sie nicht beitreten: { $reason }
