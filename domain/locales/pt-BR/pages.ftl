# Os textos das páginas do servidor em português do Brasil: /accept, /reset-password e /dev/inbox.

## Comuns

language-label = Idioma
show = Mostrar
hide = Ocultar
show-password = Mostrar senha
hide-password = Ocultar senha
noscript = Esta página precisa de JavaScript. Ative-o e abra a página novamente.
correct-marked = Corrija o que está marcado acima.
wait-seconds = { $seconds ->
    [one] { $seconds } segundo
   *[other] { $seconds } segundos
 }
wait-minutes = { $minutes ->
    [one] { $minutes } minuto
   *[other] { $minutes } minutos
 }
wait-moment = um momento
too-many-attempts = Tentativas demais. Aguarde { $wait } e tente novamente.
no-connection = Não foi possível conectar ao servidor. Verifique sua conexão com a internet e tente novamente.
sign-in-at = Entre em { $link }.
what-next = E agora?

## Autenticação em duas etapas: as páginas do convite e para entrar pedem o código a um perfil
## existente que a tem ativada

second-factor-code = Código do seu aplicativo autenticador
second-factor-help = Os seis dígitos que seu aplicativo autenticador mostra agora, ou um dos seus códigos de recuperação (xxxxx-xxxxx).
second-factor-asked = A autenticação em duas etapas está ativada no seu perfil: digite o código do seu aplicativo autenticador, ou um código de recuperação, e envie novamente.
second-factor-error-empty = Digite o código do seu aplicativo autenticador ou um código de recuperação.
second-factor-error-format = Um código são os seis dígitos que seu aplicativo mostra, ou um código de recuperação como abcde-fghjk.
second-factor-error-wrong = Este código não está certo ou já foi usado. Digite o código que seu aplicativo mostra agora (depois de um código que funcionou, espere o próximo) ou um código de recuperação.
second-factor-not-right = O código não está certo.
second-factor-wait = Tentativas demais. Aguarde { $wait } e tente novamente com o código que seu aplicativo mostrar então.
second-factor-sign-in = A autenticação em duas etapas continua ativada: ao entrar, você digita o código do seu aplicativo autenticador depois da senha.

## A página do convite

accept-title-loading = Verificando seu convite
accept-title-invitation = Seu convite
accept-title-welcome = Boas-vindas
accept-title-declined = Convite recusado
accept-title-problem = Link do convite
accept-loading = Verificando seu convite…
accept-noscript = Esta página precisa de JavaScript para mostrar seu convite. Ative-o e abra o link novamente.
accept-invited-to = Você foi convidado para { $account }
accept-workgroup = Grupo de trabalho
accept-project = Projeto
accept-invited-by = Convite de
accept-invitation-for = Convite para
accept-valid-until = Válido até
accept-someone = Alguém
accept-summary = { $inviter } convidou você para participar de { $account }.
accept-summary-workgroup = { $inviter } convidou você para participar de { $account } e do grupo de trabalho "{ $workgroup }".
accept-summary-project = { $inviter } convidou você para participar de { $account } e do projeto "{ $workgroup }".
accept-summary-external = Você vai participar como usuário externo: verá apenas os grupos de trabalho e projetos para os quais for convidado.
accept-message-from = Uma mensagem de { $inviter }:
accept-form-new = Defina uma senha para participar
accept-form-existing = Entre para participar
accept-hint-new = Confira seu nome e escolha a senha com que você vai entrar.
accept-hint-existing-email = Você já tem um perfil com o e-mail { $login }. Digite a senha dele para adicionar { $account } a ele.
accept-hint-existing-phone = Você já tem um perfil com o telefone { $login }. Digite a senha dele para adicionar { $account } a ele.
accept-first-name = Nome
accept-last-name = Sobrenome
accept-password-new = Escolha uma senha
accept-password-existing = Senha do seu perfil
accept-password-help-new = Pelo menos { $min } caracteres.
accept-password-help-existing = A senha com que você já entra.
accept-button = Aceitar convite
accept-joining = Entrando…
accept-decline = Recusar
accept-decline-question = Recusar este convite?
accept-decline-consequence = Você não vai participar de { $account }. Para participar depois, vai precisar de um novo convite.
accept-decline-yes = Sim, recusar
accept-decline-no = Não, voltar
accept-declining = Recusando…
accept-error-first-name = Digite seu nome.
accept-error-last-name = Digite seu sobrenome.
accept-error-name-long = Um nome tem no máximo { $max } caracteres.
accept-error-password-existing = Digite a senha do seu perfil.
accept-error-password-new = Escolha uma senha.
accept-error-password-short = Uma senha precisa de pelo menos { $min } caracteres.
accept-error-password-long = Uma senha tem no máximo { $max } caracteres.
accept-error-wrong-password = Esta não é a senha do seu perfil. Confira e tente novamente.
accept-error-password-not-right = A senha não está correta.
accept-error-cannot-accept = Não é possível aceitar o convite agora.
accept-trouble = Algo deu errado do nosso lado. Seu convite não mudou: tente novamente daqui a pouco.
accept-invalid-title = Este link de convite não é mais válido
accept-invalid-text = Ele pode já ter sido usado, recusado ou retirado, ou um link mais novo o substituiu.
accept-ask-again = Peça a quem convidou você que envie o convite novamente.
accept-invalid-next = Peça a quem convidou você que envie o convite novamente. Se você já aceitou, entre com seu e-mail ou telefone e sua senha.
accept-expired-title = Este convite expirou
accept-expired-text = Os convites valem apenas por um tempo limitado.
accept-wait-title = Aguarde um momento
accept-trouble-title = Não foi possível abrir seu convite
accept-retry = Tentar novamente
accept-incomplete-title = Este link de convite está incompleto
accept-incomplete-text = O link que você abriu não contém o código do convite.
accept-incomplete-next = Copie o link inteiro da mensagem do convite (ele termina com "#token=" e um código longo) e abra-o novamente. Se você recarregou esta página, abra de novo o link da sua mensagem.
accept-welcome-title = Boas-vindas, { $name }!
accept-welcome-text = Você entrou em { $account }.
accept-welcome-text-workgroup = Você entrou em { $account } e agora é membro do grupo de trabalho "{ $workgroup }".
accept-welcome-text-project = Você entrou em { $account } e agora é membro do projeto "{ $workgroup }".
accept-welcome-next-new = Para trabalhar em { $account }, entre com { $login } e a senha que você acabou de escolher.
accept-welcome-next-existing = Para trabalhar em { $account }, entre com { $login } e a senha do seu perfil. O mesmo perfil agora dá acesso a { $account } e às suas outras contas.
accept-no-app = Este servidor não conhece o endereço do aplicativo em que você entra: pergunte a quem convidou você onde entrar.
accept-welcome-close = Você pode fechar esta página. O link da sua mensagem não funciona mais: ele era de uso único.
accept-declined-title = Você recusou o convite
accept-declined-text = Você não vai participar de { $account }. O convite está marcado como recusado, então { $inviter } pode ver sua resposta.
accept-declined-inviter = quem convidou você
accept-declined-next = Se mudar de ideia, peça a quem convidou você um novo convite. Você pode fechar esta página.

## A página de redefinição de senha

reset-title-request = Redefinir sua senha
reset-title-code = Digite seu código
reset-title-done = Sua senha foi definida
reset-intro = Digite o e-mail ou o telefone com que você entra. Se ele pertencer a um perfil, enviaremos um código de seis dígitos para ele.
reset-login = E-mail ou telefone
reset-login-help = Um telefone com o código do país, por exemplo +14155550101.
reset-send = Enviar um código
reset-have-code = Já tenho um código
reset-code-title = Digite seu código e uma senha nova
reset-code = Código de seis dígitos
reset-new-password = Nova senha
reset-set = Definir nova senha
reset-resend = Enviar um novo código
reset-change-login = Usar outro e-mail ou telefone
reset-done-close = Você pode fechar esta página. O código usado não funciona mais.
reset-sent = Se { $login } pertencer a um perfil, um código está a caminho. Ele vale por 15 minutos; os códigos enviados antes também continuam valendo.
reset-enter-code-for = Digite o código enviado para { $login }.
reset-code-help = Os { $digits } dígitos da mensagem enviada para { $login }.
reset-password-help = Pelo menos { $min } caracteres, não um único caractere repetido.
reset-sending = Enviando…
reset-saving = Salvando…
reset-quota = Este endereço já recebeu todos os códigos permitidos por enquanto. Use o último código recebido (os códigos valem por 15 minutos) ou peça novamente em { $wait }.
reset-error-login = Digite seu e-mail ou telefone.
reset-error-login-for-code = Digite o e-mail ou telefone para o qual o código foi enviado.
reset-error-code = Digite o código da mensagem.
reset-error-code-digits = Um código tem { $digits } dígitos.
reset-error-password = Escolha uma nova senha.
reset-error-password-short = Uma senha precisa de pelo menos { $min } caracteres.
reset-error-password-long = Uma senha tem no máximo { $max } caracteres.
reset-error-wrong-code = Este código não está correto, expirou ou já foi usado.
reset-check-code = Confira o código da sua mensagem ou peça um novo.
reset-too-many-tries = Tentativas demais. Aguarde { $wait } e tente novamente. Seu código continua valendo até expirar.
reset-trouble = Algo deu errado do nosso lado. Nada foi alterado: tente novamente daqui a pouco.
reset-done-text = Todas as sessões do seu perfil foram encerradas, em todos os lugares. Entre novamente com { $login } e sua nova senha.
reset-no-app = Este servidor não conhece o endereço do aplicativo em que você entra: entre onde costuma entrar ou pergunte ao seu administrador.
reset-done-two-step = Se a autenticação em duas etapas estiver ativada no seu perfil, ela continua ativada: da próxima vez que você entrar, o código do seu aplicativo autenticador (ou um código de recuperação) será pedido depois da sua nova senha.
reset-done-lost-device = Perdeu ao mesmo tempo o dispositivo com seu aplicativo autenticador e seus códigos de recuperação? Peça ao seu administrador ou ao suporte do serviço que desative a autenticação em duas etapas do seu perfil; depois entre com sua senha e ative-a de novo.

## A caixa de entrada de desenvolvimento

inbox-title = Caixa de entrada de desenvolvimento
inbox-intro = O que este servidor "enviou" para o console: códigos e links, os mais novos primeiro. Disponível só em desenvolvimento (envio pelo console em um endereço de loopback, ou EXTRANET_DEV=true).
inbox-clock = Relógio
inbox-server-time = Hora do servidor: { $now }, { $offset }.
inbox-clock-hint = Adiante-o para fazer convites (7 dias), códigos (15 minutos) e sessões expirarem. Ele nunca volta; reiniciar o servidor o zera.
inbox-advance-hour = +1 hora
inbox-advance-day = +1 dia
inbox-advance-8-days = +8 dias
inbox-on-time = no horário
inbox-ahead = { $time } adiantado
inbox-days = { $count ->
    [one] { $count } dia
   *[other] { $count } dias
 }
inbox-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
 }
inbox-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
 }
inbox-messages = Mensagens
inbox-refresh = Atualizar
inbox-empty = Nada foi enviado ainda.
inbox-to = Para
inbox-channel = Canal
inbox-sms = SMS
inbox-email = E-mail
inbox-subject = Assunto
inbox-sent = Enviado
inbox-code = Código
inbox-load-failed = Não foi possível carregar as mensagens: { $error }. Tente novamente.
inbox-clock-failed = O relógio não foi adiantado: { $error }.

## A página para entrar

join-title-loading = Verificando seu link
join-title-form = Entrar em um grupo de trabalho
join-title-code = Digite seu código
join-title-welcome = Boas-vindas
join-title-waiting = Pedido enviado
join-title-problem = Link de entrada
join-loading = Verificando seu link…
join-invited-to = Entre em “{ $workgroup }” em { $account }
join-summary = Você entrará como usuário externo: verá apenas os grupos de trabalho e projetos dos quais for membro.
join-summary-approval = Um proprietário ou moderador do grupo de trabalho aprova cada pedido de entrada.
join-login = E-mail ou telefone
join-login-help = Um número de telefone com o código do país, por ex. +14155550101.
join-first-name = Nome
join-last-name = Sobrenome
join-send = Envie-me um código
join-sending = Enviando…
join-sent = Enviamos um código para { $login }. Digite-o abaixo, com uma senha.
join-code = Código
join-password = Senha
join-password-help = Pelo menos { $min } caracteres. Se você já tem um perfil com este login, a senha dele.
join-button = Entrar
join-joining = Entrando…
join-welcome-text = Agora você é membro de “{ $workgroup }” em { $account }.
join-waiting-text = Seu pedido para entrar em “{ $workgroup }” em { $account } aguarda aprovação. Você poderá fazer login quando for aprovado.
join-error-login = Digite seu e-mail ou telefone.
join-error-first-name = Digite seu nome.
join-error-last-name = Digite seu sobrenome.
join-error-code = Digite o código que você recebeu.
join-error-password = Digite uma senha de pelo menos { $min } caracteres.
join-error-wrong-code = Este código não está certo ou expirou.
join-error-wrong-password = Este login já tem um perfil, e esta não é a senha dele.
join-invalid-title = Este link de entrada não é mais válido
join-invalid-text = Ele pode ter sido retirado, expirado ou usado tantas vezes quanto permite. Peça um novo a quem o compartilhou.
join-trouble = Algo deu errado do nosso lado. Tente de novo em instantes.
join-refused = Você não pode entrar com este link: { $reason }
