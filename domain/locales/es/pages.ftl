# Los textos de las páginas del servidor en español: /accept, /reset-password y /dev/inbox.

## Comunes

language-label = Idioma
show = Mostrar
hide = Ocultar
show-password = Mostrar contraseña
hide-password = Ocultar contraseña
noscript = Esta página necesita JavaScript. Actívalo y vuelve a abrir la página.
correct-marked = Corrige lo que está marcado arriba.
wait-seconds = { $seconds ->
    [one] { $seconds } segundo
   *[other] { $seconds } segundos
 }
wait-minutes = { $minutes ->
    [one] { $minutes } minuto
   *[other] { $minutes } minutos
 }
wait-moment = un momento
too-many-attempts = Demasiados intentos. Espera { $wait } y vuelve a intentarlo.
no-connection = No pudimos conectar con el servidor. Comprueba tu conexión a internet y vuelve a intentarlo.
sign-in-at = Inicia sesión en { $link }.
what-next = ¿Y ahora qué?

## Autenticación en dos pasos: las páginas de invitación y para unirse piden su código a un
## perfil existente que la tiene activada

second-factor-code = Código de tu aplicación de autenticación
second-factor-help = Las seis cifras que muestra ahora tu aplicación de autenticación, o uno de tus códigos de recuperación (xxxxx-xxxxx).
second-factor-asked = Tu perfil tiene activada la autenticación en dos pasos: introduce el código de tu aplicación de autenticación, o un código de recuperación, y vuelve a enviar.
second-factor-error-empty = Introduce el código de tu aplicación de autenticación o un código de recuperación.
second-factor-error-format = Un código son las seis cifras que muestra tu aplicación, o un código de recuperación como abcde-fghjk.
second-factor-error-wrong = Este código no es correcto o ya se ha usado. Introduce el código que muestra ahora tu aplicación (después de un código que funcionó, espera al siguiente) o un código de recuperación.
second-factor-not-right = El código no es correcto.
second-factor-wait = Demasiados intentos. Espera { $wait } y vuelve a intentarlo con el código que muestre entonces tu aplicación.
second-factor-sign-in = La autenticación en dos pasos sigue activada: al iniciar sesión, introduces el código de tu aplicación de autenticación después de tu contraseña.

## La página de invitación

accept-title-loading = Comprobando tu invitación
accept-title-invitation = Tu invitación
accept-title-welcome = Bienvenida
accept-title-declined = Invitación rechazada
accept-title-problem = Enlace de invitación
accept-loading = Comprobando tu invitación…
accept-noscript = Esta página necesita JavaScript para mostrar tu invitación. Actívalo y vuelve a abrir el enlace.
accept-invited-to = Te invitan a { $account }
accept-workgroup = Grupo de trabajo
accept-project = Proyecto
accept-invited-by = Invitación de
accept-invitation-for = Invitación para
accept-valid-until = Válida hasta
accept-someone = Alguien
accept-summary = { $inviter } te invita a unirte a { $account }.
accept-summary-workgroup = { $inviter } te invita a unirte a { $account } y a su grupo de trabajo «{ $workgroup }».
accept-summary-project = { $inviter } te invita a unirte a { $account } y a su proyecto «{ $workgroup }».
accept-summary-external = Te unirás como usuario externo: solo verás los grupos de trabajo y proyectos a los que te inviten.
accept-message-from = Un mensaje de { $inviter }:
accept-form-new = Elige una contraseña para unirte
accept-form-existing = Inicia sesión para unirte
accept-hint-new = Comprueba tu nombre y elige la contraseña con la que iniciarás sesión.
accept-hint-existing-email = Ya tienes un perfil con el correo { $login }. Escribe su contraseña para añadirle { $account }.
accept-hint-existing-phone = Ya tienes un perfil con el teléfono { $login }. Escribe su contraseña para añadirle { $account }.
accept-first-name = Nombre
accept-last-name = Apellidos
accept-password-new = Elige una contraseña
accept-password-existing = Contraseña de tu perfil
accept-password-help-new = Al menos { $min } caracteres.
accept-password-help-existing = La contraseña con la que ya inicias sesión.
accept-button = Aceptar invitación
accept-joining = Uniéndote…
accept-decline = Rechazar
accept-decline-question = ¿Rechazar esta invitación?
accept-decline-consequence = No te unirás a { $account }. Para unirte más adelante necesitarás una invitación nueva.
accept-decline-yes = Sí, rechazar
accept-decline-no = No, volver
accept-declining = Rechazando…
accept-error-first-name = Escribe tu nombre.
accept-error-last-name = Escribe tus apellidos.
accept-error-name-long = Un nombre tiene como máximo { $max } caracteres.
accept-error-password-existing = Escribe la contraseña de tu perfil.
accept-error-password-new = Elige una contraseña.
accept-error-password-short = Una contraseña necesita al menos { $min } caracteres.
accept-error-password-long = Una contraseña tiene como máximo { $max } caracteres.
accept-error-wrong-password = Esta no es la contraseña de tu perfil. Compruébala y vuelve a intentarlo.
accept-error-password-not-right = La contraseña no es correcta.
accept-error-cannot-accept = Ahora mismo no se puede aceptar la invitación.
accept-trouble = Algo ha fallado por nuestra parte. Tu invitación no ha cambiado: vuelve a intentarlo en un momento.
accept-invalid-title = Este enlace de invitación ya no es válido
accept-invalid-text = Puede que ya se haya usado, rechazado o retirado, o que un enlace más reciente lo haya sustituido.
accept-ask-again = Pide a quien te invitó que vuelva a enviarte la invitación.
accept-invalid-next = Pide a quien te invitó que vuelva a enviarte la invitación. Si ya la aceptaste, inicia sesión con tu correo o teléfono y tu contraseña.
accept-expired-title = Esta invitación ha caducado
accept-expired-text = Las invitaciones solo son válidas durante un tiempo limitado.
accept-wait-title = Espera un momento
accept-trouble-title = No pudimos abrir tu invitación
accept-retry = Reintentar
accept-incomplete-title = Este enlace de invitación está incompleto
accept-incomplete-text = El enlace que abriste no contiene el código de invitación.
accept-incomplete-next = Copia el enlace completo de tu mensaje de invitación (termina en «#token=» y un código largo) y vuelve a abrirlo. Si recargaste esta página, abre de nuevo el enlace de tu mensaje.
accept-welcome-title = ¡Te damos la bienvenida, { $name }!
accept-welcome-text = Te has unido a { $account }.
accept-welcome-text-workgroup = Te has unido a { $account } y ahora eres miembro de su grupo de trabajo «{ $workgroup }».
accept-welcome-text-project = Te has unido a { $account } y ahora eres miembro de su proyecto «{ $workgroup }».
accept-welcome-next-new = Para trabajar en { $account }, inicia sesión con { $login } y la contraseña que acabas de elegir.
accept-welcome-next-existing = Para trabajar en { $account }, inicia sesión con { $login } y la contraseña de tu perfil. El mismo perfil te da ahora acceso a { $account } y a tus otras cuentas.
accept-no-app = Este servidor no conoce la dirección de la aplicación en la que inicias sesión: pregunta a quien te invitó dónde hacerlo.
accept-welcome-close = Puedes cerrar esta página. El enlace de tu mensaje ya no funciona: era de un solo uso.
accept-declined-title = Has rechazado la invitación
accept-declined-text = No te unirás a { $account }. La invitación figura como rechazada, así que { $inviter } puede ver tu respuesta.
accept-declined-inviter = quien te invitó
accept-declined-next = Si cambias de opinión, pide a quien te invitó que te envíe una invitación nueva. Puedes cerrar esta página.

## La página para restablecer la contraseña

reset-title-request = Restablecer tu contraseña
reset-title-code = Escribe tu código
reset-title-done = Tu contraseña está lista
reset-intro = Escribe el correo o el teléfono con el que inicias sesión. Si pertenece a un perfil, le enviaremos un código de seis cifras.
reset-login = Correo o teléfono
reset-login-help = Un teléfono con su prefijo de país, p. ej. +14155550101.
reset-send = Envíame un código
reset-have-code = Ya tengo un código
reset-code-title = Escribe tu código y una contraseña nueva
reset-code = Código de seis cifras
reset-new-password = Contraseña nueva
reset-set = Guardar contraseña nueva
reset-resend = Enviar un código nuevo
reset-change-login = Usar otro correo o teléfono
reset-done-close = Puedes cerrar esta página. El código que usaste ya no funciona.
reset-sent = Si { $login } pertenece a un perfil, le estamos enviando un código. Es válido durante 15 minutos; los códigos enviados antes también siguen siendo válidos.
reset-enter-code-for = Escribe el código enviado a { $login }.
reset-code-help = Las { $digits } cifras del mensaje enviado a { $login }.
reset-password-help = Al menos { $min } caracteres, no un solo carácter repetido.
reset-sending = Enviando…
reset-saving = Guardando…
reset-quota = A esta dirección ya se le han enviado todos los códigos permitidos por ahora. Usa el último código que recibiste (los códigos son válidos durante 15 minutos) o vuelve a pedirlo dentro de { $wait }.
reset-error-login = Escribe tu correo o tu teléfono.
reset-error-login-for-code = Escribe el correo o el teléfono al que se envió el código.
reset-error-code = Escribe el código del mensaje.
reset-error-code-digits = Un código tiene { $digits } cifras.
reset-error-password = Elige una contraseña nueva.
reset-error-password-short = Una contraseña necesita al menos { $min } caracteres.
reset-error-password-long = Una contraseña tiene como máximo { $max } caracteres.
reset-error-wrong-code = Este código no es correcto, ha caducado o ya se ha usado.
reset-check-code = Comprueba el código de tu mensaje o pide uno nuevo.
reset-too-many-tries = Demasiados intentos. Espera { $wait } y vuelve a intentarlo. Tu código sigue siendo válido hasta que caduque.
reset-trouble = Algo ha fallado por nuestra parte. No se ha cambiado nada: vuelve a intentarlo en un momento.
reset-done-text = Se han cerrado todas las sesiones de tu perfil, en todas partes. Vuelve a iniciar sesión con { $login } y tu contraseña nueva.
reset-no-app = Este servidor no conoce la dirección de la aplicación en la que inicias sesión: hazlo donde sueles hacerlo o pregunta a tu administrador.
reset-done-two-step = Si tu perfil tiene activada la autenticación en dos pasos, sigue activada: la próxima vez que inicies sesión, se te pedirá el código de tu aplicación de autenticación (o un código de recuperación) después de tu contraseña nueva.
reset-done-lost-device = ¿Has perdido a la vez el dispositivo con tu aplicación de autenticación y tus códigos de recuperación? Pide a tu administrador o al soporte del servicio que desactive la autenticación en dos pasos de tu perfil; después inicia sesión con tu contraseña y vuelve a configurarla.

## La bandeja de entrada de desarrollo

inbox-title = Bandeja de entrada de desarrollo
inbox-intro = Lo que este servidor «envió» a la consola: códigos y enlaces, los más recientes primero. Solo disponible en desarrollo (envío por consola en una dirección de loopback, o EXTRANET_DEV=true).
inbox-clock = Reloj
inbox-server-time = Hora del servidor: { $now }, { $offset }.
inbox-clock-hint = Adelántalo para que caduquen las invitaciones (7 días), los códigos (15 minutos) y las sesiones. Nunca retrocede; al reiniciar vuelve a la hora real.
inbox-advance-hour = +1 hora
inbox-advance-day = +1 día
inbox-advance-8-days = +8 días
inbox-on-time = en hora
inbox-ahead = { $time } adelantado
inbox-days = { $count ->
    [one] { $count } día
   *[other] { $count } días
 }
inbox-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
 }
inbox-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
 }
inbox-messages = Mensajes
inbox-refresh = Actualizar
inbox-empty = Todavía no se ha enviado nada.
inbox-to = Para
inbox-channel = Canal
inbox-sms = SMS
inbox-email = Correo
inbox-subject = Asunto
inbox-sent = Enviado
inbox-code = Código
inbox-load-failed = No se pudieron cargar los mensajes: { $error }. Vuelve a intentarlo.
inbox-clock-failed = El reloj no se movió: { $error }.

## La página para unirse

join-title-loading = Comprobando tu enlace
join-title-form = Unirse a un grupo de trabajo
join-title-code = Introduce tu código
join-title-welcome = Te damos la bienvenida
join-title-waiting = Solicitud enviada
join-title-problem = Enlace para unirse
join-loading = Comprobando tu enlace…
join-invited-to = Únete a «{ $workgroup }» en { $account }
join-summary = Te unirás como usuario externo: solo verás los grupos de trabajo y proyectos de los que seas miembro.
join-summary-approval = Un propietario o moderador del grupo de trabajo aprueba cada solicitud para unirse.
join-login = Correo electrónico o teléfono
join-login-help = Un número de teléfono con su prefijo de país, p. ej. +14155550101.
join-first-name = Nombre
join-last-name = Apellidos
join-send = Envíame un código
join-sending = Enviando…
join-sent = Enviamos un código a { $login }. Introdúcelo abajo, con una contraseña.
join-code = Código
join-password = Contraseña
join-password-help = Al menos { $min } caracteres. Si ya tienes un perfil con este acceso, su contraseña.
join-button = Unirme
join-joining = Uniéndote…
join-welcome-text = Ahora eres miembro de «{ $workgroup }» en { $account }.
join-waiting-text = Tu solicitud para unirte a «{ $workgroup }» en { $account } espera aprobación. Podrás iniciar sesión cuando se apruebe.
join-error-login = Introduce tu correo electrónico o teléfono.
join-error-first-name = Introduce tu nombre.
join-error-last-name = Introduce tus apellidos.
join-error-code = Introduce el código que recibiste.
join-error-password = Introduce una contraseña de al menos { $min } caracteres.
join-error-wrong-code = Este código no es correcto o ha caducado.
join-error-wrong-password = Este acceso ya tiene un perfil, y esta no es su contraseña.
join-invalid-title = Este enlace para unirse ya no es válido
join-invalid-text = Puede que lo hayan retirado, que haya caducado o que se haya usado tantas veces como permite. Pide uno nuevo a quien lo compartió.
join-trouble = Algo falló por nuestra parte. Inténtalo de nuevo en un momento.
join-refused = No puedes unirte con este enlace: { $reason }
