# As mensagens do Extranet em português do Brasil: e-mails (assunto e texto) e SMS.
# Variáveis como no catálogo em inglês (domain/locales/en/messages.ftl).

-product = Extranet

## Convite a uma pessoa nova

invitation-subject = { $inviter } convidou você para { $account }
invitation-subject-workgroup = { $inviter } convidou você para o grupo de trabalho "{ $workgroup }" de { $account }
invitation-sms = { $inviter } convidou você para { $account }: { $link }
invitation-sms-workgroup = { $inviter } convidou você para o grupo de trabalho "{ $workgroup }" de { $account }: { $link }
invitation-email-intro =
    Olá, { $first_name },

    { $inviter } convidou você para participar de { $account }.
invitation-email-intro-workgroup =
    Olá, { $first_name },

    { $inviter } convidou você para participar do grupo de trabalho "{ $workgroup }" de { $account }.
invitation-email-accept =
    Aceite o convite aqui:
    { $link }

    Se você não esperava este convite, ignore esta mensagem.

## Um usuário existente convidado para outro grupo de trabalho

membership-subject = { $inviter } convidou você para o grupo de trabalho "{ $workgroup }"
membership-text =
    { $inviter } convidou você para o grupo de trabalho "{ $workgroup }" de { $account }.
    Entre e aceite o convite em seus convites de grupos de trabalho.

## O código de um cadastro

sign-up-code-subject = { $code } é o seu código para criar uma conta no { -product }
sign-up-code-sms = { $code } é o seu código para criar uma conta no { -product }. Expira em { $minutes } min. Não foi você? Ignore esta mensagem.
sign-up-code-email-ask =
    Olá,

    alguém (esperamos que você) está criando uma conta no { -product } com este endereço. Para confirmar, digite este código:
sign-up-code-email-expiry =
    Ele expira em { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Se não foi você, ignore esta mensagem: nada é criado sem o código.

## O código que confirma o novo login de um perfil

login-change-code-subject = { $code } é o seu código para entrar com este endereço
login-change-code-sms = { $code } é o seu código para tornar este número o login do seu perfil. Expira em { $minutes } min. Não foi você? Ignore esta mensagem.
login-change-code-email-ask =
    Olá,

    alguém (esperamos que você) pediu para tornar este endereço o login do próprio perfil. Para confirmar, digite este código:
login-change-code-email-expiry =
    Ele expira em { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Se não foi você, ignore esta mensagem: nada muda sem o código.

## O aviso ao login anterior de um perfil

login-changed-subject = Seu login foi alterado
login-changed-sms = O login do seu perfil foi alterado para { $new_login }. Não foi você? Fale com seu administrador.
login-changed-email =
    Olá,

    o login do seu perfil foi alterado para { $new_login }; este endereço não serve mais para entrar. Se não foi você, fale imediatamente com seu administrador.

## O código para redefinir uma senha

password-reset-code-subject = { $code } é o seu código para redefinir sua senha do { -product }
password-reset-code-sms = { $code } é o seu código para redefinir sua senha do { -product }. Expira em { $minutes } min. Não foi você? Ignore esta mensagem.
password-reset-code-email-ask =
    Olá,

    alguém (esperamos que você) pediu para redefinir a senha do perfil do { -product } que entra com este endereço. Para escolher uma senha nova, digite este código:
password-reset-code-email-page = em { $page }
password-reset-code-email-expiry =
    Ele expira em { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Se não foi você, ignore esta mensagem: sua senha continua a mesma.

## O aviso de que uma senha foi alterada (pelo titular) ou redefinida (com um código)

password-changed-subject = Sua senha foi alterada
password-changed-sms = A senha do seu perfil do { -product } foi alterada. Não foi você? Redefina-a agora e avise seu administrador.
password-changed-email =
    Olá,

    a senha do seu perfil do { -product } foi alterada, e todas as outras sessões foram encerradas.

    Se não foi você, redefina sua senha imediatamente em { $page } e avise seu administrador.
password-reset-subject = Sua senha foi redefinida
password-reset-sms = A senha do seu perfil do { -product } foi redefinida com um código. Não foi você? Redefina-a agora e avise seu administrador.
password-reset-email =
    Olá,

    a senha do seu perfil do { -product } foi redefinida com um código enviado a um dos logins dele, e todas as sessões foram encerradas.

    Se não foi você, redefina sua senha imediatamente em { $page } e avise seu administrador.

## O que aconteceu com o convite de um funcionário que aguardava a aprovação de um administrador

invitation-approved-subject = Seu convite para { $invitee } foi aprovado
invitation-approved-text =
    { $approver } aprovou seu convite para { $invitee } em { $account }: ele foi enviado.
invitation-rejected-subject = Seu convite para { $invitee } não foi aprovado
invitation-rejected-text =
    { $approver } não aprovou seu convite para { $invitee } em { $account }. Nada foi enviado, e a vaga que ele ocupava está livre de novo.

## O código de quem pede para entrar por um link de entrada

join-code-subject = { $code } é o seu código para entrar em um grupo de trabalho no { -product }
join-code-sms = { $code } é o seu código para entrar em um grupo de trabalho no { -product }. Expira em { $minutes } min. Não foi você? Ignore esta mensagem.
join-code-email-ask =
    Olá,

    alguém (esperamos que você) pediu para entrar em um grupo de trabalho no { -product } com este endereço. Para confirmar, digite este código:
join-code-email-expiry =
    Ele expira em { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Se não foi você, ignore esta mensagem: nada é criado sem o código.

## Os lembretes de que o acesso de um usuário externo termina, 7 dias e 1 dia antes

access-ending-week-subject = Seu acesso a { $account } termina em menos de uma semana
access-ending-day-subject = Seu acesso a { $account } termina em menos de um dia
access-ending-email =
    Olá, { $first_name },

    seu acesso a { $account } no { -product } termina em { $ends }. A partir daí você não poderá mais entrar.

    Se precisar de mais tempo, peça a { $inviter }, que convidou você, ou a um administrador de { $account } que o prorrogue.
access-ending-email-admins =
    Olá, { $first_name },

    seu acesso a { $account } no { -product } termina em { $ends }. A partir daí você não poderá mais entrar.

    Se precisar de mais tempo, peça a um administrador de { $account } que o prorrogue.
access-ending-sms = Seu acesso a { $account } no { -product } termina em { $ends }. Para mais tempo, fale com { $inviter } ou um administrador.
access-ending-sms-admins = Seu acesso a { $account } no { -product } termina em { $ends }. Para mais tempo, fale com um administrador de { $account }.
access-ending-inviter-week-subject = O acesso de { $user } termina em menos de uma semana
access-ending-inviter-day-subject = O acesso de { $user } termina em menos de um dia
access-ending-inviter-text =
    O acesso de { $user }, que você convidou, a { $account } termina em { $ends }. A partir daí essa pessoa não poderá mais entrar, e a vaga ficará livre.

    Se precisar de mais tempo, um administrador de { $account } pode prorrogá-lo.

## O aviso a cada login de um perfil de que a autenticação em duas etapas dele mudou: ativada,
## desativada (pelo titular, ou pelo suporte a pedido dele) ou um código de recuperação usado
## para entrar ($count: os códigos que restam; "-few": restam poucos)

two-factor-enabled-subject = A autenticação em duas etapas foi ativada
two-factor-enabled-sms = Autenticação em duas etapas ativada no seu perfil do { -product }; outras sessões encerradas. Não foi você? Redefina sua senha e avise seu administrador.
two-factor-enabled-email =
    Olá,

    a autenticação em duas etapas foi ativada no seu perfil do { -product }: para entrar, agora é preciso, além da senha, um código de um aplicativo autenticador, e todas as outras sessões foram encerradas.

    Não foi você? Redefina sua senha imediatamente em { $page } e avise seu administrador.
two-factor-disabled-subject = A autenticação em duas etapas foi desativada
two-factor-disabled-sms = A autenticação em duas etapas foi desativada no seu perfil do { -product }; basta a senha para entrar. Não foi você? Redefina sua senha e avise seu administrador.
two-factor-disabled-email =
    Olá,

    a autenticação em duas etapas foi desativada no seu perfil do { -product }: agora basta a senha para entrar.

    Não foi você? Redefina sua senha imediatamente em { $page } e avise seu administrador.
two-factor-disabled-by-support-subject = O suporte desativou a autenticação em duas etapas
two-factor-disabled-by-support-sms = A seu pedido, o suporte desativou a autenticação em duas etapas do seu perfil do { -product }. Não pediu isso? Redefina sua senha e avise seu administrador.
two-factor-disabled-by-support-email =
    Olá,

    a seu pedido, o suporte do { -product } desativou a autenticação em duas etapas do seu perfil: agora basta a senha para entrar.

    Não foi você que pediu? Redefina sua senha imediatamente em { $page } e avise seu administrador.
two-factor-recovery-code-used-subject = Um código de recuperação foi usado para entrar
two-factor-recovery-code-used-sms = Um código de recuperação do seu perfil do { -product } foi usado para entrar; { $count ->
        [one] resta { $count }
       *[other] restam { $count }
    }. Não foi você? Redefina sua senha e avise seu administrador.
two-factor-recovery-code-used-email =
    Olá,

    um dos códigos de recuperação do seu perfil do { -product } foi usado para entrar. { $count ->
        [0] Não resta nenhum código de recuperação.
        [one] Resta { $count } código de recuperação.
       *[other] Restam { $count } códigos de recuperação.
    }

    Não foi você? Redefina sua senha imediatamente em { $page } e avise seu administrador.
two-factor-recovery-code-used-few-sms = { -product }: código de recuperação usado; { $count ->
        [one] resta { $count }
       *[other] restam { $count }
    }. Crie novos no seu perfil. Não foi você? Redefina sua senha e avise seu administrador.
two-factor-recovery-code-used-few-email =
    Olá,

    um dos códigos de recuperação do seu perfil do { -product } foi usado para entrar. { $count ->
        [0] Não resta nenhum código de recuperação.
        [one] Resta { $count } código de recuperação.
       *[other] Restam { $count } códigos de recuperação.
    } Você pode criar códigos novos no seu perfil, na autenticação em duas etapas.

    Não foi você? Redefina sua senha imediatamente em { $page } e avise seu administrador.
two-factor-recovery-codes-renewed-subject = Novos códigos de recuperação foram criados
two-factor-recovery-codes-renewed-sms = { -product }: novos códigos de recuperação criados; os antigos não valem mais. Não foi você? Redefina sua senha e avise seu administrador.
two-factor-recovery-codes-renewed-email =
    Olá,

    novos códigos de recuperação foram criados para o seu perfil do { -product }; os antigos não valem mais.

    Não foi você? Redefina sua senha imediatamente em { $page } e avise seu administrador.

## The code that confirms a person's own erasure (rule 14)

erasure-code-subject = { $code } é o seu código para apagar os dados do seu perfil
erasure-code-sms = { $code } é o seu código para APAGAR o seu perfil e todos os dados dele. Expira em { $minutes } min. Não foi você? Troque sua senha agora.
erasure-code-email-ask =
    Olá,

    alguém conectado ao seu perfil com a sua senha pediu para apagá-lo de vez com todos os dados: suas contas veriam um "usuário apagado" e o seu login ficaria livre. Para confirmar, digite este código:
erasure-code-email-expiry =
    Ele expira em { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Se não foi você, nada é apagado sem o código — mas alguém sabe a sua senha: troque-a agora.
