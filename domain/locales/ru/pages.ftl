# Тексты страниц сервера на русском: /accept, /reset-password и /dev/inbox.

## Общие

language-label = Язык
show = Показать
hide = Скрыть
show-password = Показать пароль
hide-password = Скрыть пароль
noscript = Для этой страницы нужен JavaScript. Включите его и откройте страницу снова.
correct-marked = Исправьте то, что отмечено выше.
wait-seconds = { $seconds ->
    [one] { $seconds } секунду
    [few] { $seconds } секунды
    [many] { $seconds } секунд
   *[other] { $seconds } секунды
 }
wait-minutes = { $minutes ->
    [one] { $minutes } минуту
    [few] { $minutes } минуты
    [many] { $minutes } минут
   *[other] { $minutes } минуты
 }
wait-moment = немного
too-many-attempts = Слишком много попыток. Подождите { $wait } и попробуйте снова.
no-connection = Не удалось связаться с сервером. Проверьте подключение к интернету и попробуйте снова.
sign-in-at = Войдите на { $link }.
what-next = Что дальше

## Двухэтапная аутентификация: страницы приглашения и вступления спрашивают код у существующего
## профиля, где она включена

second-factor-code = Код из приложения-аутентификатора
second-factor-help = Шесть цифр, которые сейчас показывает ваше приложение-аутентификатор, или один из ваших кодов восстановления (xxxxx-xxxxx).
second-factor-asked = Для вашего профиля включена двухэтапная аутентификация: введите код из приложения-аутентификатора или код восстановления и отправьте снова.
second-factor-error-empty = Введите код из приложения-аутентификатора или код восстановления.
second-factor-error-format = Код — это шесть цифр, которые показывает приложение, или код восстановления вида abcde-fghjk.
second-factor-error-wrong = Код неверен или уже использован. Введите код, который приложение показывает сейчас (после сработавшего кода дождитесь следующего), или код восстановления.
second-factor-not-right = Код неверен.
second-factor-wait = Слишком много попыток. Подождите { $wait } и попробуйте снова с кодом, который тогда покажет приложение.
second-factor-sign-in = Двухэтапная аутентификация остаётся включённой: при входе после пароля вы вводите код из приложения-аутентификатора.

## Страница приглашения

accept-title-loading = Проверяем приглашение
accept-title-invitation = Ваше приглашение
accept-title-welcome = Добро пожаловать
accept-title-declined = Приглашение отклонено
accept-title-problem = Ссылка-приглашение
accept-loading = Проверяем ваше приглашение…
accept-noscript = Чтобы показать приглашение, этой странице нужен JavaScript. Включите его и откройте ссылку снова.
accept-invited-to = Вас приглашают в { $account }
accept-workgroup = Рабочая группа
accept-project = Проект
accept-invited-by = Пригласил(а)
accept-invitation-for = Приглашение для
accept-valid-until = Действует до
accept-someone = Кто-то
accept-summary = { $inviter } приглашает вас присоединиться к { $account }.
accept-summary-workgroup = { $inviter } приглашает вас присоединиться к { $account } и её рабочей группе «{ $workgroup }».
accept-summary-project = { $inviter } приглашает вас присоединиться к { $account } и её проекту «{ $workgroup }».
accept-summary-external = Вы присоединитесь как внешний пользователь: вам будут видны только рабочие группы и проекты, в которые вас пригласили.
accept-message-from = Сообщение от { $inviter }:
accept-form-new = Задайте пароль, чтобы присоединиться
accept-form-existing = Войдите, чтобы присоединиться
accept-hint-new = Проверьте имя и выберите пароль, с которым будете входить.
accept-hint-existing-email = У вас уже есть профиль с адресом { $login }. Введите его пароль, чтобы добавить к нему { $account }.
accept-hint-existing-phone = У вас уже есть профиль с номером { $login }. Введите его пароль, чтобы добавить к нему { $account }.
accept-first-name = Имя
accept-last-name = Фамилия
accept-password-new = Выберите пароль
accept-password-existing = Пароль вашего профиля
accept-password-help-new = Не меньше { $min } символов.
accept-password-help-existing = Пароль, с которым вы уже входите.
accept-button = Принять приглашение
accept-joining = Присоединяем…
accept-decline = Отклонить
accept-decline-question = Отклонить приглашение?
accept-decline-consequence = Вы не присоединитесь к { $account }. Чтобы присоединиться позже, понадобится новое приглашение.
accept-decline-yes = Да, отклонить
accept-decline-no = Нет, вернуться
accept-declining = Отклоняем…
accept-error-first-name = Введите имя.
accept-error-last-name = Введите фамилию.
accept-error-name-long = Имя — не длиннее { $max } символов.
accept-error-password-existing = Введите пароль вашего профиля.
accept-error-password-new = Выберите пароль.
accept-error-password-short = В пароле должно быть не меньше { $min } символов.
accept-error-password-long = В пароле может быть не больше { $max } символов.
accept-error-wrong-password = Это не пароль вашего профиля. Проверьте его и попробуйте снова.
accept-error-password-not-right = Неверный пароль.
accept-error-cannot-accept = Сейчас принять приглашение нельзя.
accept-trouble = У нас что-то пошло не так. Ваше приглашение не изменилось: попробуйте ещё раз чуть позже.
accept-invalid-title = Эта ссылка-приглашение больше не действует
accept-invalid-text = Возможно, ею уже воспользовались, приглашение отклонили или отозвали, либо его заменила более новая ссылка.
accept-ask-again = Попросите пригласившего вас человека отправить приглашение ещё раз.
accept-invalid-next = Попросите пригласившего вас человека отправить приглашение ещё раз. Если вы уже приняли его, войдите с вашим адресом или телефоном и паролем.
accept-expired-title = Срок действия приглашения истёк
accept-expired-text = Приглашения действуют ограниченное время.
accept-wait-title = Подождите немного
accept-trouble-title = Не удалось открыть приглашение
accept-retry = Попробовать снова
accept-incomplete-title = Ссылка-приглашение неполная
accept-incomplete-text = В открытой ссылке нет кода приглашения.
accept-incomplete-next = Скопируйте ссылку из письма-приглашения целиком (она заканчивается на «#token=» и длинный код) и откройте её снова. Если вы перезагрузили страницу, откройте ссылку из сообщения ещё раз.
accept-welcome-title = Добро пожаловать, { $name }!
accept-welcome-text = Вы присоединились к { $account }.
accept-welcome-text-workgroup = Вы присоединились к { $account } и теперь состоите в рабочей группе «{ $workgroup }».
accept-welcome-text-project = Вы присоединились к { $account } и теперь участвуете в проекте «{ $workgroup }».
accept-welcome-next-new = Чтобы работать в { $account }, входите с { $login } и только что выбранным паролем.
accept-welcome-next-existing = Чтобы работать в { $account }, входите с { $login } и паролем вашего профиля. Теперь тот же профиль открывает доступ и к { $account }, и к другим вашим аккаунтам.
accept-no-app = Этот сервер не знает адреса приложения, в котором вы входите: спросите пригласившего вас человека, где войти.
accept-welcome-close = Эту страницу можно закрыть. Ссылка из сообщения больше не работает: она была одноразовой.
accept-declined-title = Вы отклонили приглашение
accept-declined-text = Вы не присоединитесь к { $account }. Приглашение отмечено как отклонённое, и { $inviter } увидит ваш ответ.
accept-declined-inviter = пригласивший вас человек
accept-declined-next = Если передумаете, попросите пригласившего вас человека отправить новое приглашение. Эту страницу можно закрыть.

## Страница сброса пароля

reset-title-request = Сброс пароля
reset-title-code = Введите код
reset-title-done = Пароль задан
reset-intro = Введите адрес электронной почты или номер телефона, с которым вы входите. Если он принадлежит профилю, мы отправим на него шестизначный код.
reset-login = Почта или номер телефона
reset-login-help = Номер телефона с кодом страны, например +14155550101.
reset-send = Отправить код
reset-have-code = У меня уже есть код
reset-code-title = Введите код и новый пароль
reset-code = Шестизначный код
reset-new-password = Новый пароль
reset-set = Задать новый пароль
reset-resend = Отправить новый код
reset-change-login = Указать другую почту или номер
reset-done-close = Эту страницу можно закрыть. Использованный код больше не работает.
reset-sent = Если { $login } принадлежит профилю, код уже отправлен. Он действует 15 минут; коды, отправленные раньше, тоже остаются в силе.
reset-enter-code-for = Введите код, отправленный на { $login }.
reset-code-help = { $digits } цифр из сообщения, отправленного на { $login }.
reset-password-help = Не меньше { $min } символов, не один и тот же символ.
reset-sending = Отправляем…
reset-saving = Сохраняем…
reset-quota = На этот адрес уже отправлено столько кодов, сколько пока можно. Используйте последний полученный код (коды действуют 15 минут) или запросите снова через { $wait }.
reset-error-login = Введите почту или номер телефона.
reset-error-login-for-code = Введите почту или номер, на который пришёл код.
reset-error-code = Введите код из сообщения.
reset-error-code-digits = В коде { $digits } цифр.
reset-error-password = Выберите новый пароль.
reset-error-password-short = В пароле должно быть не меньше { $min } символов.
reset-error-password-long = В пароле может быть не больше { $max } символов.
reset-error-wrong-code = Код неверный, истёк или уже использован.
reset-check-code = Проверьте код в сообщении или запросите новый.
reset-too-many-tries = Слишком много попыток. Подождите { $wait } и попробуйте снова. Ваш код действует до истечения срока.
reset-trouble = У нас что-то пошло не так. Ничего не изменилось: попробуйте ещё раз чуть позже.
reset-done-text = Все сеансы вашего профиля завершены на всех устройствах. Войдите снова с { $login } и новым паролем.
reset-no-app = Этот сервер не знает адреса приложения, в котором вы входите: войдите там, где обычно, или спросите администратора.
reset-done-two-step = Если для вашего профиля включена двухэтапная аутентификация, она остаётся включённой: при следующем входе после нового пароля у вас спросят код из приложения-аутентификатора (или код восстановления).
reset-done-lost-device = Потеряли и устройство с приложением-аутентификатором, и коды восстановления? Попросите администратора или службу поддержки сервиса выключить двухэтапную аутентификацию для вашего профиля; затем войдите с паролем и настройте её заново.

## Входящие для разработки

inbox-title = Входящие для разработки
inbox-intro = Что этот сервер «отправил» в консоль: коды и ссылки, сначала новые. Доступно только при разработке (отправка в консоль на loopback-адресе или EXTRANET_DEV=true).
inbox-clock = Часы
inbox-server-time = Время сервера: { $now }, { $offset }.
inbox-clock-hint = Переведите их вперёд, чтобы истекли приглашения (7 дней), коды (15 минут) и сеансы. Назад они не идут; перезапуск сбрасывает их.
inbox-advance-hour = +1 час
inbox-advance-day = +1 день
inbox-advance-8-days = +8 дней
inbox-on-time = точное время
inbox-ahead = на { $time } вперёд
inbox-days = { $count ->
    [one] { $count } день
    [few] { $count } дня
    [many] { $count } дней
   *[other] { $count } дня
 }
inbox-hours = { $count ->
    [one] { $count } час
    [few] { $count } часа
    [many] { $count } часов
   *[other] { $count } часа
 }
inbox-minutes = { $count ->
    [one] { $count } минуту
    [few] { $count } минуты
    [many] { $count } минут
   *[other] { $count } минуты
 }
inbox-messages = Сообщения
inbox-refresh = Обновить
inbox-empty = Пока ничего не отправлено.
inbox-to = Кому
inbox-channel = Канал
inbox-sms = SMS
inbox-email = Почта
inbox-subject = Тема
inbox-sent = Отправлено
inbox-code = Код
inbox-load-failed = Не удалось загрузить сообщения: { $error }. Попробуйте снова.
inbox-clock-failed = Часы не переведены: { $error }.

## Страница вступления

join-title-loading = Проверяем вашу ссылку
join-title-form = Вступление в рабочую группу
join-title-code = Введите код
join-title-welcome = Добро пожаловать
join-title-waiting = Запрос отправлен
join-title-problem = Ссылка для вступления
join-loading = Проверяем вашу ссылку…
join-invited-to = Вступить в «{ $workgroup }» в { $account }
join-summary = Вы вступите как внешний пользователь: вам будут видны только рабочие группы и проекты, в которых вы состоите.
join-summary-approval = Каждый запрос на вступление одобряет владелец или модератор рабочей группы.
join-login = Электронная почта или телефон
join-login-help = Номер телефона с кодом страны, например +14155550101.
join-first-name = Имя
join-last-name = Фамилия
join-send = Прислать код
join-sending = Отправляем…
join-sent = Мы отправили код на { $login }. Введите его ниже вместе с паролем.
join-code = Код
join-password = Пароль
join-password-help = Не меньше { $min } символов. Если у вас уже есть профиль с этим логином — его пароль.
join-button = Вступить
join-joining = Вступаем…
join-welcome-text = Теперь вы участник «{ $workgroup }» в { $account }.
join-waiting-text = Ваш запрос на вступление в «{ $workgroup }» в { $account } ждёт одобрения. Войти можно будет после одобрения.
join-error-login = Введите электронную почту или телефон.
join-error-first-name = Введите имя.
join-error-last-name = Введите фамилию.
join-error-code = Введите полученный код.
join-error-password = Введите пароль не короче { $min } символов.
join-error-wrong-code = Код неверен или истёк.
join-error-wrong-password = У этого логина уже есть профиль, и это не его пароль.
join-invalid-title = Эта ссылка для вступления больше не действует
join-invalid-text = Возможно, её отозвали, у неё истёк срок или её использовали столько раз, сколько она позволяет. Попросите новую у того, кто ею поделился.
join-trouble = У нас что-то пошло не так. Попробуйте ещё раз чуть позже.
join-refused = Вступить по этой ссылке нельзя: { $reason }
