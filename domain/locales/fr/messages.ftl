# Les messages d'Extranet en français : e-mails (objet et texte) et SMS.
# Variables comme dans le catalogue anglais (domain/locales/en/messages.ftl).

-product = Extranet

## Invitation d'une nouvelle personne

invitation-subject = { $inviter } vous invite à rejoindre { $account }
invitation-subject-workgroup = { $inviter } vous invite dans le groupe de travail « { $workgroup } » de { $account }
invitation-sms = { $inviter } vous invite à rejoindre { $account } : { $link }
invitation-sms-workgroup = { $inviter } vous invite dans le groupe de travail « { $workgroup } » de { $account } : { $link }
invitation-email-intro =
    Bonjour { $first_name },

    { $inviter } vous invite à rejoindre { $account }.
invitation-email-intro-workgroup =
    Bonjour { $first_name },

    { $inviter } vous invite à rejoindre le groupe de travail « { $workgroup } » de { $account }.
invitation-email-accept =
    Acceptez l'invitation ici :
    { $link }

    Si vous ne l'attendiez pas, ignorez ce message.

## Un utilisateur existant invité dans un autre groupe de travail

membership-subject = { $inviter } vous invite dans le groupe de travail « { $workgroup } »
membership-text =
    { $inviter } vous invite dans le groupe de travail « { $workgroup } » de { $account }.
    Connectez-vous et acceptez-la parmi vos invitations aux groupes de travail.

## Le code d'une inscription

sign-up-code-subject = { $code } est votre code pour créer un compte sur { -product }
sign-up-code-sms = { $code } est votre code pour créer un compte sur { -product }. Il expire dans { $minutes } min. Pas vous ? Ignorez ce SMS.
sign-up-code-email-ask =
    Bonjour,

    quelqu'un (vous, nous l'espérons) crée un compte sur { -product } avec cette adresse. Pour confirmer, saisissez ce code :
sign-up-code-email-expiry =
    Il expire dans { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Si ce n'était pas vous, ignorez ce message : rien n'est créé sans le code.

## Le code qui confirme le nouvel identifiant d'un profil

login-change-code-subject = { $code } est votre code pour vous connecter avec cette adresse
login-change-code-sms = { $code } est votre code pour faire de ce numéro l'identifiant de votre profil. Il expire dans { $minutes } min. Pas vous ? Ignorez ce SMS.
login-change-code-email-ask =
    Bonjour,

    quelqu'un (vous, nous l'espérons) a demandé à faire de cette adresse l'identifiant de son profil. Pour confirmer, saisissez ce code :
login-change-code-email-expiry =
    Il expire dans { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Si ce n'était pas vous, ignorez ce message : rien ne change sans le code.

## L'avis à l'ancien identifiant d'un profil

login-changed-subject = Votre identifiant a été modifié
login-changed-sms = L'identifiant de votre profil est désormais { $new_login }. Pas vous ? Contactez votre administrateur.
login-changed-email =
    Bonjour,

    l'identifiant de votre profil est désormais { $new_login } ; cette adresse ne permet plus de se connecter. Si vous n'êtes pas à l'origine de ce changement, contactez immédiatement votre administrateur.

## Le code pour réinitialiser un mot de passe

password-reset-code-subject = { $code } est votre code pour réinitialiser votre mot de passe { -product }
password-reset-code-sms = { $code } est votre code pour réinitialiser votre mot de passe { -product }. Il expire dans { $minutes } min. Pas vous ? Ignorez ce SMS.
password-reset-code-email-ask =
    Bonjour,

    quelqu'un (vous, nous l'espérons) a demandé à réinitialiser le mot de passe du profil { -product } qui se connecte avec cette adresse. Pour choisir un nouveau mot de passe, saisissez ce code :
password-reset-code-email-page = sur { $page }
password-reset-code-email-expiry =
    Il expire dans { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Si ce n'était pas vous, ignorez ce message : votre mot de passe reste inchangé.

## L'avis qu'un mot de passe a été modifié (par son titulaire) ou réinitialisé (avec un code)

password-changed-subject = Votre mot de passe a été modifié
password-changed-sms = Le mot de passe de votre profil { -product } a été modifié. Pas vous ? Réinitialisez-le immédiatement et prévenez votre administrateur.
password-changed-email =
    Bonjour,

    le mot de passe de votre profil { -product } a été modifié, et toutes les autres sessions ont été déconnectées.

    Si vous n'êtes pas à l'origine de ce changement, réinitialisez immédiatement votre mot de passe sur { $page } et prévenez votre administrateur.
password-reset-subject = Votre mot de passe a été réinitialisé
password-reset-sms = Le mot de passe de votre profil { -product } a été réinitialisé avec un code. Pas vous ? Réinitialisez-le immédiatement et prévenez votre administrateur.
password-reset-email =
    Bonjour,

    le mot de passe de votre profil { -product } a été réinitialisé avec un code envoyé à l'un de ses identifiants, et toutes les sessions ont été déconnectées.

    Si vous n'êtes pas à l'origine de ce changement, réinitialisez immédiatement votre mot de passe sur { $page } et prévenez votre administrateur.

## Ce qu'il est advenu de l'invitation d'un employé qui attendait l'approbation d'un administrateur

invitation-approved-subject = Votre invitation de { $invitee } a été approuvée
invitation-approved-text =
    { $approver } a approuvé votre invitation de { $invitee } dans { $account } : elle a été envoyée.
invitation-rejected-subject = Votre invitation de { $invitee } n'a pas été approuvée
invitation-rejected-text =
    { $approver } n'a pas approuvé votre invitation de { $invitee } dans { $account }. Rien n'a été envoyé, et la place qu'elle occupait est de nouveau libre.

## Le code de qui demande à rejoindre un groupe par un lien d'adhésion

join-code-subject = { $code } est votre code pour rejoindre un groupe de travail sur { -product }
join-code-sms = { $code } est votre code pour rejoindre un groupe de travail sur { -product }. Il expire dans { $minutes } min. Pas vous ? Ignorez ce SMS.
join-code-email-ask =
    Bonjour,

    quelqu'un (vous, nous l'espérons) a demandé à rejoindre un groupe de travail sur { -product } avec cette adresse. Pour confirmer, saisissez ce code :
join-code-email-expiry =
    Il expire dans { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Si ce n'était pas vous, ignorez ce message : rien n'est créé sans le code.

## Les rappels de la fin de l'accès d'un utilisateur externe, 7 jours et 1 jour avant

access-ending-week-subject = Votre accès à { $account } prend fin dans moins d'une semaine
access-ending-day-subject = Votre accès à { $account } prend fin dans moins d'un jour
access-ending-email =
    Bonjour { $first_name },

    votre accès à { $account } sur { -product } prend fin le { $ends }. Vous ne pourrez plus vous y connecter ensuite.

    Si vous avez besoin de plus de temps, demandez à { $inviter } (à l'origine de votre invitation) ou à un administrateur de { $account } de le prolonger.
access-ending-email-admins =
    Bonjour { $first_name },

    votre accès à { $account } sur { -product } prend fin le { $ends }. Vous ne pourrez plus vous y connecter ensuite.

    Si vous avez besoin de plus de temps, demandez à un administrateur de { $account } de le prolonger.
access-ending-sms = Votre accès à { $account } sur { -product } prend fin le { $ends }. Pour plus de temps, demandez à { $inviter } ou à un administrateur.
access-ending-sms-admins = Votre accès à { $account } sur { -product } prend fin le { $ends }. Pour plus de temps, demandez à un administrateur de { $account }.
access-ending-inviter-week-subject = L'accès de { $user } prend fin dans moins d'une semaine
access-ending-inviter-day-subject = L'accès de { $user } prend fin dans moins d'un jour
access-ending-inviter-text =
    Vous avez invité { $user } dans { $account } : cet accès prend fin le { $ends }. Cette personne ne pourra plus se connecter ensuite, et sa place sera libérée.

    Si plus de temps est nécessaire, un administrateur de { $account } peut le prolonger.

## L'avis à chaque identifiant d'un profil que son authentification en deux étapes a changé :
## activée, désactivée (par son titulaire, ou par le support à sa demande) ou un code de
## récupération utilisé pour se connecter ($count : les codes restants ; « -few » : il en reste peu)

two-factor-enabled-subject = L'authentification en deux étapes a été activée
two-factor-enabled-sms = { -product } : authentification en deux étapes activée, autres sessions déconnectées. Pas vous ? Réinitialisez le mot de passe et prévenez l'administrateur.
two-factor-enabled-email =
    Bonjour,

    l'authentification en deux étapes a été activée sur votre profil { -product } : pour vous connecter, il faut désormais, en plus du mot de passe, un code d'une application d'authentification, et toutes les autres sessions ont été déconnectées.

    Pas vous ? Réinitialisez immédiatement votre mot de passe sur { $page } et prévenez votre administrateur.
two-factor-disabled-subject = L'authentification en deux étapes a été désactivée
two-factor-disabled-sms = { -product } : authentification en deux étapes désactivée, le mot de passe suffit. Pas vous ? Réinitialisez le mot de passe et prévenez l'administrateur.
two-factor-disabled-email =
    Bonjour,

    l'authentification en deux étapes a été désactivée sur votre profil { -product } : le mot de passe suffit désormais pour vous connecter.

    Pas vous ? Réinitialisez immédiatement votre mot de passe sur { $page } et prévenez votre administrateur.
two-factor-disabled-by-support-subject = Le support a désactivé l'authentification en deux étapes
two-factor-disabled-by-support-sms = À votre demande, le support { -product } a désactivé l'authentification en deux étapes. Pas demandé ? Réinitialisez le mot de passe et prévenez l'administrateur.
two-factor-disabled-by-support-email =
    Bonjour,

    à votre demande, le support { -product } a désactivé l'authentification en deux étapes de votre profil : le mot de passe suffit désormais pour vous connecter.

    Vous ne l'avez pas demandé ? Réinitialisez immédiatement votre mot de passe sur { $page } et prévenez votre administrateur.
two-factor-recovery-code-used-subject = Un code de récupération a été utilisé pour se connecter
two-factor-recovery-code-used-sms = { -product } : un code de récupération a servi à vous connecter ; il en reste { $count }. Pas vous ? Réinitialisez le mot de passe et prévenez l'administrateur.
two-factor-recovery-code-used-email =
    Bonjour,

    l'un des codes de récupération de votre profil { -product } a été utilisé pour vous connecter. { $count ->
        [0] Il ne vous reste plus aucun code de récupération.
        [one] Il vous reste { $count } code de récupération.
       *[other] Il vous reste { $count } codes de récupération.
    }

    Pas vous ? Réinitialisez immédiatement votre mot de passe sur { $page } et prévenez votre administrateur.
two-factor-recovery-code-used-few-sms = Code de récupération utilisé, reste { $count }. Créez-en d'autres dans votre profil. Pas vous ? Réinitialisez le mot de passe, prévenez l'administrateur.
two-factor-recovery-code-used-few-email =
    Bonjour,

    l'un des codes de récupération de votre profil { -product } a été utilisé pour vous connecter. { $count ->
        [0] Il ne vous reste plus aucun code de récupération.
        [one] Il vous reste { $count } code de récupération.
       *[other] Il vous reste { $count } codes de récupération.
    } Vous pouvez en créer de nouveaux dans votre profil, à la rubrique authentification en deux étapes.

    Pas vous ? Réinitialisez immédiatement votre mot de passe sur { $page } et prévenez votre administrateur.
two-factor-recovery-codes-renewed-subject = De nouveaux codes de récupération ont été créés
two-factor-recovery-codes-renewed-sms = Nouveaux codes de récupération créés pour votre profil ; les anciens ne valent plus. Pas vous ? Réinitialisez le mot de passe, prévenez l'administrateur.
two-factor-recovery-codes-renewed-email =
    Bonjour,

    de nouveaux codes de récupération ont été créés pour votre profil { -product } ; les anciens ne sont plus valables.

    Pas vous ? Réinitialisez immédiatement votre mot de passe sur { $page } et prévenez votre administrateur.

## The code that confirms a person's own erasure (rule 14)

erasure-code-subject = { $code } est votre code pour effacer les données de votre profil
erasure-code-sms = { $code } est votre code pour EFFACER votre profil et toutes ses données. Il expire dans { $minutes } min. Pas vous ? Changez votre mot de passe maintenant.
erasure-code-email-ask =
    Bonjour,

    quelqu'un connecté à votre profil avec votre mot de passe a demandé à l'effacer définitivement avec toutes ses données : vos comptes verraient un « utilisateur effacé » et votre identifiant serait libre. Pour confirmer, saisissez ce code :
erasure-code-email-expiry =
    Il expire dans { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Si ce n'était pas vous, rien n'est effacé sans le code — mais quelqu'un connaît votre mot de passe : changez-le maintenant.
