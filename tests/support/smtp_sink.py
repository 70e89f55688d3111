"""A real SMTP server (aiosmtpd) for the tests: listens on 127.0.0.1:PORT (0: a port the system
chooses), says {"ready": PORT} on stdout once it listens, and prints every message it receives
as one JSON line there: {"from", "to", "subject", "body", "message_id",
"tls", "user"} (message_id without its angle brackets, null when the message has none).

Options: --tls CERT KEY offers STARTTLS with that certificate; --require-tls refuses mail until
STARTTLS; --auth USER PASSWORD requires authentication (after STARTTLS) with those credentials."""

import argparse
import asyncio
import email
import email.policy
import json
import socket
import ssl

from aiosmtpd.controller import Controller


class BoundController(Controller):
    """A controller on a socket bound before it starts: with port 0 the system picks a free
    port, and nothing can take it between the choice and the listening."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((self.hostname, self.port))
        self.port = self.sock.getsockname()[1]

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.sock, ssl=self.ssl_context)
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        auth = session.auth_data
        message_id = message.get("message-id")
        line = {
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "subject": str(message.get("subject", "")),
            "body": body.get_content() if body is not None else "",
            "message_id": str(message_id).strip().strip("<>") if message_id else None,
            "tls": session.ssl is not None,
            "user": auth.login.decode() if isinstance(auth, LoginPassword) else None,
        }
        print(json.dumps(line), flush=True)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--require-tls", action="store_true")
    parser.add_argument("--auth", nargs=2, metavar=("USER", "PASSWORD"))
    args = parser.parse_args()
    options = {}
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.tls)
        options["tls_context"] = context
        options["require_starttls"] = args.require_tls
    if args.auth:
        user, password = (s.encode() for s in args.auth)

        def authenticator(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login == user and data.password == password
            return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

        options["authenticator"] = authenticator
        options["auth_required"] = True
        options["auth_require_tls"] = bool(args.tls)
    controller = BoundController(Sink(), hostname="127.0.0.1", port=args.port, **options)
    controller.start()
    print(json.dumps({"ready": controller.port}), flush=True)
    try:
        asyncio.get_event_loop().run_until_complete(asyncio.Event().wait())
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
