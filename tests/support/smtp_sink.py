"""A real SMTP server (aiosmtpd) for the tests: listens on 127.0.0.1:PORT and prints every
message it receives as one JSON line on stdout: {"from", "to", "subject", "body"}."""

import asyncio
import email
import email.policy
import json
import sys

from aiosmtpd.controller import Controller


class Sink:
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        line = {
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "subject": str(message.get("subject", "")),
            "body": body.get_content() if body is not None else "",
        }
        print(json.dumps(line), flush=True)
        return "250 OK"


def main():
    port = int(sys.argv[1])
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    print(json.dumps({"ready": port}), flush=True)
    try:
        asyncio.get_event_loop().run_until_complete(asyncio.Event().wait())
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
