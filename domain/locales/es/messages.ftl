# Los mensajes de Extranet en español: correos (asunto y texto) y SMS.
# Variables como en el catálogo inglés (domain/locales/en/messages.ftl).

-product = Extranet

## Invitación a una persona nueva

invitation-subject = { $inviter } te invita a { $account }
invitation-subject-workgroup = { $inviter } te invita al grupo de trabajo «{ $workgroup }» de { $account }
invitation-sms = { $inviter } te invita a { $account }: { $link }
invitation-sms-workgroup = { $inviter } te invita al grupo de trabajo «{ $workgroup }» de { $account }: { $link }
invitation-email-intro =
    Hola, { $first_name }:

    { $inviter } te invita a unirte a { $account }.
invitation-email-intro-workgroup =
    Hola, { $first_name }:

    { $inviter } te invita a unirte al grupo de trabajo «{ $workgroup }» de { $account }.
invitation-email-accept =
    Acepta la invitación aquí:
    { $link }

    Si no esperabas esta invitación, ignora este mensaje.

## Un usuario existente invitado a otro grupo de trabajo

membership-subject = { $inviter } te invita al grupo de trabajo «{ $workgroup }»
membership-text =
    { $inviter } te invita al grupo de trabajo «{ $workgroup }» de { $account }.
    Inicia sesión y acéptala en tus invitaciones a grupos de trabajo.

## El código de un registro

sign-up-code-subject = { $code } es tu código para crear una cuenta en { -product }
sign-up-code-sms = { $code } es tu código para crear una cuenta en { -product }. Caduca en { $minutes } min. ¿No fuiste tú? Ignora este mensaje.
sign-up-code-email-ask =
    Hola:

    alguien (esperamos que tú) está creando una cuenta en { -product } con esta dirección. Para confirmarlo, introduce este código:
sign-up-code-email-expiry =
    Caduca en { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Si no fuiste tú, ignora este mensaje: sin el código no se crea nada.

## El código que confirma el nuevo acceso de un perfil

login-change-code-subject = { $code } es tu código para iniciar sesión con esta dirección
login-change-code-sms = { $code } es tu código para que este número sea el acceso de tu perfil. Caduca en { $minutes } min. ¿No fuiste tú? Ignora este mensaje.
login-change-code-email-ask =
    Hola:

    alguien (esperamos que tú) ha pedido que esta dirección sea el acceso de su perfil. Para confirmarlo, introduce este código:
login-change-code-email-expiry =
    Caduca en { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Si no fuiste tú, ignora este mensaje: sin el código no cambia nada.

## Aviso al acceso anterior de un perfil

login-changed-subject = Tu acceso ha cambiado
login-changed-sms = El acceso de tu perfil ha cambiado a { $new_login }. ¿No fuiste tú? Contacta con tu administrador.
login-changed-email =
    Hola:

    el acceso de tu perfil ha cambiado a { $new_login }; esta dirección ya no sirve para iniciar sesión. Si no lo hiciste tú, contacta de inmediato con tu administrador.

## El código para restablecer una contraseña

password-reset-code-subject = { $code } es tu código para restablecer tu contraseña de { -product }
password-reset-code-sms = { $code } es tu código para restablecer tu contraseña de { -product }. Caduca en { $minutes } min. ¿No fuiste tú? Ignora este mensaje.
password-reset-code-email-ask =
    Hola:

    alguien (esperamos que tú) ha pedido restablecer la contraseña del perfil de { -product } que inicia sesión con esta dirección. Para elegir una contraseña nueva, introduce este código:
password-reset-code-email-page = en { $page }
password-reset-code-email-expiry =
    Caduca en { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Si no fuiste tú, ignora este mensaje: tu contraseña no cambia.

## Aviso de que una contraseña se cambió (por su titular) o se restableció (con un código)

password-changed-subject = Tu contraseña ha cambiado
password-changed-sms = La contraseña de tu perfil de { -product } ha cambiado. ¿No fuiste tú? Restablécela de inmediato y avisa a tu administrador.
password-changed-email =
    Hola:

    la contraseña de tu perfil de { -product } ha cambiado y se han cerrado todas las demás sesiones.

    Si no lo hiciste tú, restablece tu contraseña de inmediato en { $page } y avisa a tu administrador.
password-reset-subject = Tu contraseña se ha restablecido
password-reset-sms = La contraseña de tu perfil de { -product } se ha restablecido con un código. ¿No fuiste tú? Restablécela de inmediato y avisa a tu administrador.
password-reset-email =
    Hola:

    la contraseña de tu perfil de { -product } se ha restablecido con un código enviado a uno de sus accesos y se han cerrado todas las sesiones.

    Si no lo hiciste tú, restablece tu contraseña de inmediato en { $page } y avisa a tu administrador.

## Qué fue de la invitación de un empleado que esperaba la aprobación de un administrador

invitation-approved-subject = Tu invitación a { $invitee } fue aprobada
invitation-approved-text =
    { $approver } aprobó tu invitación a { $invitee } para { $account }: ya se ha enviado.
invitation-rejected-subject = Tu invitación a { $invitee } no fue aprobada
invitation-rejected-text =
    { $approver } no aprobó tu invitación a { $invitee } para { $account }. No se envió nada y la plaza que ocupaba vuelve a estar libre.

## El código de quien pide unirse con un enlace de invitación

join-code-subject = { $code } es tu código para unirte a un grupo de trabajo en { -product }
join-code-sms = { $code } es tu código para unirte a un grupo de trabajo en { -product }. Caduca en { $minutes } min. ¿No fuiste tú? Ignora este mensaje.
join-code-email-ask =
    Hola:

    alguien (esperamos que tú) pidió unirse a un grupo de trabajo en { -product } con esta dirección. Para confirmarlo, introduce este código:
join-code-email-expiry =
    Caduca en { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Si no fuiste tú, ignora este mensaje: sin el código no se crea nada.

## Los recordatorios de que el acceso de un usuario externo termina, 7 días y 1 día antes

access-ending-week-subject = Tu acceso a { $account } termina en menos de una semana
access-ending-day-subject = Tu acceso a { $account } termina en menos de un día
access-ending-email =
    Hola, { $first_name }:

    tu acceso a { $account } en { -product } termina el { $ends }. A partir de ese momento ya no podrás iniciar sesión.

    Si necesitas más tiempo, pide a { $inviter }, que te invitó, o a un administrador de { $account } que lo prolongue.
access-ending-email-admins =
    Hola, { $first_name }:

    tu acceso a { $account } en { -product } termina el { $ends }. A partir de ese momento ya no podrás iniciar sesión.

    Si necesitas más tiempo, pide a un administrador de { $account } que lo prolongue.
access-ending-sms = Tu acceso a { $account } en { -product } termina el { $ends }. Para más tiempo, pregunta a { $inviter } o a un administrador.
access-ending-sms-admins = Tu acceso a { $account } en { -product } termina el { $ends }. Para más tiempo, pregunta a un administrador de { $account }.
access-ending-inviter-week-subject = El acceso de { $user } termina en menos de una semana
access-ending-inviter-day-subject = El acceso de { $user } termina en menos de un día
access-ending-inviter-text =
    El acceso de { $user }, a quien invitaste, a { $account } termina el { $ends }. A partir de ese momento ya no podrá iniciar sesión y su plaza quedará libre.

    Si necesita más tiempo, un administrador de { $account } puede prolongarlo.

## Aviso a cada acceso de un perfil de que su autenticación en dos pasos cambió: activada,
## desactivada (por su titular, o por el soporte a petición suya) o un código de recuperación
## usado para iniciar sesión ($count: los códigos que quedan; "-few": quedan pocos)

two-factor-enabled-subject = Se ha activado la autenticación en dos pasos
two-factor-enabled-sms = Autenticación en dos pasos activada en { -product }; se cerraron las demás sesiones. ¿No fuiste tú? Restablece tu contraseña y avisa a tu administrador.
two-factor-enabled-email =
    Hola:

    se ha activado la autenticación en dos pasos en tu perfil de { -product }: ahora, para iniciar sesión, además de la contraseña hace falta un código de una aplicación de autenticación, y se han cerrado todas las demás sesiones.

    ¿No fuiste tú? Restablece tu contraseña de inmediato en { $page } y avisa a tu administrador.
two-factor-disabled-subject = Se ha desactivado la autenticación en dos pasos
two-factor-disabled-sms = Se desactivó la autenticación en dos pasos en tu perfil de { -product }; basta la contraseña. ¿No fuiste tú? Restablece tu contraseña y avisa a tu administrador.
two-factor-disabled-email =
    Hola:

    se ha desactivado la autenticación en dos pasos en tu perfil de { -product }: ahora basta con la contraseña para iniciar sesión.

    ¿No fuiste tú? Restablece tu contraseña de inmediato en { $page } y avisa a tu administrador.
two-factor-disabled-by-support-subject = El soporte ha desactivado la autenticación en dos pasos
two-factor-disabled-by-support-sms = A petición tuya, el soporte desactivó la autenticación en dos pasos de { -product }. ¿No lo pediste? Restablece tu contraseña y avisa a tu administrador.
two-factor-disabled-by-support-email =
    Hola:

    a petición tuya, el soporte de { -product } ha desactivado la autenticación en dos pasos de tu perfil: ahora basta con la contraseña para iniciar sesión.

    ¿No lo pediste tú? Restablece tu contraseña de inmediato en { $page } y avisa a tu administrador.
two-factor-recovery-code-used-subject = Se ha usado un código de recuperación para iniciar sesión
two-factor-recovery-code-used-sms = Se usó un código de recuperación de tu perfil de { -product } para iniciar sesión; { $count ->
        [one] queda { $count }
       *[other] quedan { $count }
    }. ¿No fuiste tú? Restablece tu contraseña y avisa a tu administrador.
two-factor-recovery-code-used-email =
    Hola:

    se ha usado uno de los códigos de recuperación de tu perfil de { -product } para iniciar sesión. { $count ->
        [0] No te queda ningún código de recuperación.
        [one] Te queda { $count } código de recuperación.
       *[other] Te quedan { $count } códigos de recuperación.
    }

    ¿No fuiste tú? Restablece tu contraseña de inmediato en { $page } y avisa a tu administrador.
two-factor-recovery-code-used-few-sms = Código de recuperación usado; { $count ->
        [one] queda { $count }
       *[other] quedan { $count }
    }. Crea nuevos en tu perfil. ¿No fuiste tú? Restablece tu contraseña y avisa a tu administrador.
two-factor-recovery-code-used-few-email =
    Hola:

    se ha usado uno de los códigos de recuperación de tu perfil de { -product } para iniciar sesión. { $count ->
        [0] No te queda ningún código de recuperación.
        [one] Te queda { $count } código de recuperación.
       *[other] Te quedan { $count } códigos de recuperación.
    } Puedes crear códigos nuevos en tu perfil, en la autenticación en dos pasos.

    ¿No fuiste tú? Restablece tu contraseña de inmediato en { $page } y avisa a tu administrador.
two-factor-recovery-codes-renewed-subject = Se crearon nuevos códigos de recuperación
two-factor-recovery-codes-renewed-sms = Nuevos códigos de recuperación creados en tu perfil; los anteriores ya no sirven. ¿No fuiste tú? Restablece tu contraseña y avisa al administrador.
two-factor-recovery-codes-renewed-email =
    Hola:

    se ha creado un nuevo juego de códigos de recuperación para tu perfil de { -product }; los anteriores ya no sirven.

    ¿No fuiste tú? Restablece tu contraseña de inmediato en { $page } y avisa a tu administrador.

## The code that confirms a person's own erasure (rule 14)

erasure-code-subject = { $code } es tu código para borrar los datos de tu perfil
erasure-code-sms = { $code } es tu código para BORRAR tu perfil y todos sus datos. Caduca en { $minutes } min. ¿No fuiste tú? Cambia tu contraseña ya.
erasure-code-email-ask =
    Hola:

    alguien que inició sesión en tu perfil con tu contraseña ha pedido borrarlo para siempre con todos sus datos: tus cuentas verían un «usuario borrado» y tu acceso quedaría libre. Para confirmarlo, introduce este código:
erasure-code-email-expiry =
    Caduca en { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Si no fuiste tú, sin el código no se borra nada, pero alguien conoce tu contraseña: cámbiala ya.
