# Les textes des pages du serveur en français : /accept, /reset-password et /dev/inbox.

## Communs

language-label = Langue
show = Afficher
hide = Masquer
show-password = Afficher le mot de passe
hide-password = Masquer le mot de passe
noscript = Cette page a besoin de JavaScript. Activez-le et rouvrez la page.
correct-marked = Veuillez corriger ce qui est signalé ci-dessus.
wait-seconds = { $seconds ->
    [one] { $seconds } seconde
   *[other] { $seconds } secondes
 }
wait-minutes = { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
 }
wait-moment = un instant
too-many-attempts = Trop de tentatives. Veuillez patienter { $wait }, puis réessayez.
no-connection = Impossible de joindre le serveur. Vérifiez votre connexion Internet, puis réessayez.
sign-in-at = Connectez-vous sur { $link }.
what-next = Et ensuite ?

## Authentification en deux étapes : les pages d'invitation et pour rejoindre demandent son code
## à un profil existant qui l'a activée

second-factor-code = Code de votre application d'authentification
second-factor-help = Les six chiffres qu'affiche maintenant votre application d'authentification, ou l'un de vos codes de récupération (xxxxx-xxxxx).
second-factor-asked = L'authentification en deux étapes est activée pour votre profil : saisissez le code de votre application d'authentification, ou un code de récupération, puis envoyez à nouveau.
second-factor-error-empty = Saisissez le code de votre application d'authentification, ou un code de récupération.
second-factor-error-format = Un code, ce sont les six chiffres qu'affiche votre application, ou un code de récupération comme abcde-fghjk.
second-factor-error-wrong = Ce code n'est pas le bon, ou il a déjà servi. Saisissez le code qu'affiche maintenant votre application (après un code qui a fonctionné, attendez le suivant), ou un code de récupération.
second-factor-not-right = Le code n'est pas le bon.
second-factor-wait = Trop de tentatives. Veuillez patienter { $wait }, puis réessayez avec le code qu'affichera alors votre application.
second-factor-sign-in = L'authentification en deux étapes reste activée : pour vous connecter, vous saisissez le code de votre application d'authentification après votre mot de passe.

## La page d'invitation

accept-title-loading = Vérification de votre invitation
accept-title-invitation = Votre invitation
accept-title-welcome = Bienvenue
accept-title-declined = Invitation refusée
accept-title-problem = Lien d'invitation
accept-loading = Vérification de votre invitation…
accept-noscript = Cette page a besoin de JavaScript pour afficher votre invitation. Activez-le et rouvrez le lien.
accept-invited-to = Vous êtes invité à rejoindre { $account }
accept-workgroup = Groupe de travail
accept-project = Projet
accept-invited-by = Invité par
accept-invitation-for = Invitation pour
accept-valid-until = Valable jusqu'au
accept-someone = Quelqu'un
accept-summary = { $inviter } vous invite à rejoindre { $account }.
accept-summary-workgroup = { $inviter } vous invite à rejoindre { $account } et son groupe de travail « { $workgroup } ».
accept-summary-project = { $inviter } vous invite à rejoindre { $account } et son projet « { $workgroup } ».
accept-summary-external = Vous rejoindrez en tant qu'utilisateur externe : vous ne verrez que les groupes de travail et projets auxquels vous êtes invité.
accept-message-from = Un message de { $inviter } :
accept-form-new = Choisissez un mot de passe pour rejoindre
accept-form-existing = Connectez-vous pour rejoindre
accept-hint-new = Vérifiez votre nom et choisissez le mot de passe avec lequel vous vous connecterez.
accept-hint-existing-email = Vous avez déjà un profil avec l'adresse e-mail { $login }. Saisissez son mot de passe pour y ajouter { $account }.
accept-hint-existing-phone = Vous avez déjà un profil avec le numéro de téléphone { $login }. Saisissez son mot de passe pour y ajouter { $account }.
accept-first-name = Prénom
accept-last-name = Nom
accept-password-new = Choisissez un mot de passe
accept-password-existing = Mot de passe de votre profil existant
accept-password-help-new = Au moins { $min } caractères.
accept-password-help-existing = Le mot de passe avec lequel vous vous connectez déjà.
accept-button = Accepter l'invitation
accept-joining = Connexion en cours…
accept-decline = Refuser
accept-decline-question = Refuser cette invitation ?
accept-decline-consequence = Vous ne rejoindrez pas { $account }. Pour rejoindre plus tard, il vous faudra une nouvelle invitation.
accept-decline-yes = Oui, refuser
accept-decline-no = Non, revenir
accept-declining = Refus en cours…
accept-error-first-name = Saisissez votre prénom.
accept-error-last-name = Saisissez votre nom.
accept-error-name-long = Un nom compte au plus { $max } caractères.
accept-error-password-existing = Saisissez le mot de passe de votre profil existant.
accept-error-password-new = Choisissez un mot de passe.
accept-error-password-short = Un mot de passe doit compter au moins { $min } caractères.
accept-error-password-long = Un mot de passe compte au plus { $max } caractères.
accept-error-wrong-password = Ce n'est pas le mot de passe de votre profil existant. Vérifiez-le et réessayez.
accept-error-password-not-right = Le mot de passe est incorrect.
accept-error-cannot-accept = L'invitation ne peut pas être acceptée pour le moment.
accept-trouble = Une erreur s'est produite de notre côté. Votre invitation n'a pas changé : réessayez dans un instant.
accept-invalid-title = Ce lien d'invitation n'est plus valable
accept-invalid-text = Il a peut-être déjà été utilisé, refusé ou retiré, ou un lien plus récent l'a remplacé.
accept-ask-again = Demandez à la personne qui vous a invité de vous renvoyer l'invitation.
accept-invalid-next = Demandez à la personne qui vous a invité de vous renvoyer l'invitation. Si vous l'avez déjà acceptée, connectez-vous avec votre e-mail ou votre téléphone et votre mot de passe.
accept-expired-title = Cette invitation a expiré
accept-expired-text = Les invitations ne sont valables que pour une durée limitée.
accept-wait-title = Veuillez patienter un instant
accept-trouble-title = Impossible d'ouvrir votre invitation
accept-retry = Réessayer
accept-incomplete-title = Ce lien d'invitation est incomplet
accept-incomplete-text = Le lien que vous avez ouvert ne contient pas le code d'invitation.
accept-incomplete-next = Copiez le lien complet de votre message d'invitation (il se termine par « #token= » suivi d'un long code) et ouvrez-le à nouveau. Si vous avez rechargé cette page, rouvrez le lien de votre message.
accept-welcome-title = Bienvenue, { $name } !
accept-welcome-text = Vous avez rejoint { $account }.
accept-welcome-text-workgroup = Vous avez rejoint { $account } et êtes désormais membre de son groupe de travail « { $workgroup } ».
accept-welcome-text-project = Vous avez rejoint { $account } et êtes désormais membre de son projet « { $workgroup } ».
accept-welcome-next-new = Pour travailler dans { $account }, connectez-vous avec { $login } et le mot de passe que vous venez de choisir.
accept-welcome-next-existing = Pour travailler dans { $account }, connectez-vous avec { $login } et le mot de passe de votre profil. Le même profil vous donne désormais accès à { $account } et à vos autres comptes.
accept-no-app = Ce serveur ne connaît pas l'adresse de l'application où vous vous connectez : demandez à la personne qui vous a invité où vous connecter.
accept-welcome-close = Vous pouvez fermer cette page. Le lien de votre message ne fonctionne plus : il n'était valable qu'une fois.
accept-declined-title = Vous avez refusé l'invitation
accept-declined-text = Vous ne rejoindrez pas { $account }. L'invitation est marquée comme refusée : { $inviter } peut donc voir votre réponse.
accept-declined-inviter = la personne qui vous a invité
accept-declined-next = Si vous changez d'avis, demandez à la personne qui vous a invité de vous envoyer une nouvelle invitation. Vous pouvez fermer cette page.

## La page de réinitialisation du mot de passe

reset-title-request = Réinitialiser votre mot de passe
reset-title-code = Saisissez votre code
reset-title-done = Votre mot de passe est défini
reset-intro = Saisissez l'adresse e-mail ou le numéro de téléphone avec lequel vous vous connectez. S'il appartient à un profil, nous y envoyons un code à six chiffres.
reset-login = E-mail ou numéro de téléphone
reset-login-help = Un numéro de téléphone avec son indicatif pays, par ex. +14155550101.
reset-send = M'envoyer un code
reset-have-code = J'ai déjà un code
reset-code-title = Saisissez votre code et un nouveau mot de passe
reset-code = Code à six chiffres
reset-new-password = Nouveau mot de passe
reset-set = Définir le nouveau mot de passe
reset-resend = Envoyer un nouveau code
reset-change-login = Utiliser une autre adresse e-mail ou un autre numéro
reset-done-close = Vous pouvez fermer cette page. Le code utilisé ne fonctionne plus.
reset-sent = Si { $login } appartient à un profil, un code est en route. Il est valable 15 minutes ; les codes envoyés auparavant restent valables eux aussi.
reset-enter-code-for = Saisissez le code envoyé à { $login }.
reset-code-help = Les { $digits } chiffres du message envoyé à { $login }.
reset-password-help = Au moins { $min } caractères, pas un seul caractère répété.
reset-sending = Envoi…
reset-saving = Enregistrement…
reset-quota = Cette adresse a reçu autant de codes que permis pour le moment. Utilisez le dernier code reçu (les codes sont valables 15 minutes) ou redemandez dans { $wait }.
reset-error-login = Saisissez votre adresse e-mail ou votre numéro de téléphone.
reset-error-login-for-code = Saisissez l'adresse e-mail ou le numéro auquel le code a été envoyé.
reset-error-code = Saisissez le code du message.
reset-error-code-digits = Un code compte { $digits } chiffres.
reset-error-password = Choisissez un nouveau mot de passe.
reset-error-password-short = Un mot de passe doit compter au moins { $min } caractères.
reset-error-password-long = Un mot de passe compte au plus { $max } caractères.
reset-error-wrong-code = Ce code est incorrect, a expiré ou a déjà été utilisé.
reset-check-code = Vérifiez le code de votre message ou demandez-en un nouveau.
reset-too-many-tries = Trop d'essais. Veuillez patienter { $wait }, puis réessayez. Votre code reste valable jusqu'à son expiration.
reset-trouble = Une erreur s'est produite de notre côté. Rien n'a été modifié : réessayez dans un instant.
reset-done-text = Toutes les sessions de votre profil ont été déconnectées, partout. Reconnectez-vous avec { $login } et votre nouveau mot de passe.
reset-no-app = Ce serveur ne connaît pas l'adresse de l'application où vous vous connectez : connectez-vous comme d'habitude ou demandez à votre administrateur.
reset-done-two-step = Si l'authentification en deux étapes est activée pour votre profil, elle le reste : à votre prochaine connexion, le code de votre application d'authentification (ou un code de récupération) vous sera demandé après votre nouveau mot de passe.
reset-done-lost-device = Vous avez perdu à la fois l'appareil portant votre application d'authentification et vos codes de récupération ? Demandez à votre administrateur ou au support du service de désactiver l'authentification en deux étapes de votre profil ; connectez-vous ensuite avec votre mot de passe et activez-la à nouveau.

## La boîte de réception de développement

inbox-title = Boîte de réception de développement
inbox-intro = Ce que ce serveur a « envoyé » à la console : codes et liens, les plus récents d'abord. Disponible uniquement en développement (envoi vers la console sur une adresse de bouclage, ou EXTRANET_DEV=true).
inbox-clock = Horloge
inbox-server-time = Heure du serveur : { $now }, { $offset }.
inbox-clock-hint = Avancez-la pour faire expirer les invitations (7 jours), les codes (15 minutes) et les sessions. Elle ne recule jamais ; un redémarrage la remet à l'heure.
inbox-advance-hour = +1 heure
inbox-advance-day = +1 jour
inbox-advance-8-days = +8 jours
inbox-on-time = à l'heure
inbox-ahead = { $time } d'avance
inbox-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
 }
inbox-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
 }
inbox-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
 }
inbox-messages = Messages
inbox-refresh = Actualiser
inbox-empty = Rien n'a encore été envoyé.
inbox-to = À
inbox-channel = Canal
inbox-sms = SMS
inbox-email = E-mail
inbox-subject = Objet
inbox-sent = Envoyé
inbox-code = Code
inbox-load-failed = Impossible de charger les messages : { $error }. Réessayez.
inbox-clock-failed = L'horloge n'a pas bougé : { $error }.

## La page pour rejoindre

join-title-loading = Vérification de votre lien
join-title-form = Rejoindre un groupe de travail
join-title-code = Saisissez votre code
join-title-welcome = Bienvenue
join-title-waiting = Demande envoyée
join-title-problem = Lien d'adhésion
join-loading = Vérification de votre lien…
join-invited-to = Rejoindre « { $workgroup } » chez { $account }
join-summary = Vous rejoindrez en tant qu'utilisateur externe : vous ne verrez que les groupes de travail et projets dont vous êtes membre.
join-summary-approval = Un propriétaire ou un modérateur du groupe de travail approuve chaque demande.
join-login = E-mail ou numéro de téléphone
join-login-help = Un numéro de téléphone avec son indicatif, par ex. +14155550101.
join-first-name = Prénom
join-last-name = Nom
join-send = M'envoyer un code
join-sending = Envoi…
join-sent = Nous avons envoyé un code à { $login }. Saisissez-le ci-dessous, avec un mot de passe.
join-code = Code
join-password = Mot de passe
join-password-help = Au moins { $min } caractères. Si vous avez déjà un profil avec cet identifiant, son mot de passe.
join-button = Rejoindre
join-joining = Adhésion…
join-welcome-text = Vous êtes désormais membre de « { $workgroup } » chez { $account }.
join-waiting-text = Votre demande pour rejoindre « { $workgroup } » chez { $account } attend une approbation. Vous pourrez vous connecter une fois approuvée.
join-error-login = Saisissez votre e-mail ou votre numéro de téléphone.
join-error-first-name = Saisissez votre prénom.
join-error-last-name = Saisissez votre nom.
join-error-code = Saisissez le code reçu.
join-error-password = Saisissez un mot de passe d'au moins { $min } caractères.
join-error-wrong-code = Ce code n'est pas le bon, ou il a expiré.
join-error-wrong-password = Cet identifiant a déjà un profil, et ce n'est pas son mot de passe.
join-invalid-title = Ce lien d'adhésion n'est plus valide
join-invalid-text = Il a peut-être été retiré, a expiré ou a été utilisé autant de fois qu'il le permet. Demandez-en un nouveau à qui l'a partagé.
join-trouble = Un problème est survenu de notre côté. Réessayez dans un instant.
join-refused = Vous ne pouvez pas rejoindre avec ce lien : { $reason }
