"""A real SMTP server for the mail tests: Debian's aiosmtpd, run by Debian's
own python3 (/usr/bin/python3, where python3-aiosmtpd is installed).

    /usr/bin/python3 smtp_sink.py PORT MAILDIR [--tls CERT KEY]
        [--user NAME PASSWORD] [--reject ADDRESS]...

Every message taken is stored in MAILDIR (one file each, with the envelope
in X-Envelope-From/X-Envelope-To); with --tls the server offers STARTTLS
and requires it; with --user it requires AUTH (PLAIN or LOGIN) with that
name and password; --reject refuses a recipient with 550. Prints "ready"
once it listens; runs until SIGTERM."""

import argparse
import mailbox
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, maildir, reject):
        self.box = mailbox.Maildir(maildir)
        self.reject = set(reject)

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.reject:
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        head = ("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n"
                % (envelope.mail_from, ",".join(envelope.rcpt_tos)))
        self.box.add(head.encode() + envelope.original_content)
        return "250 2.0.0 OK: queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("maildir")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--user", nargs=2, metavar=("NAME", "PASSWORD"))
    p.add_argument("--reject", action="append", default=[])
    a = p.parse_args()
    kw = {}
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*a.tls)
        kw.update(tls_context=ctx, require_starttls=True)
    if a.user:
        name, password = a.user[0].encode(), a.user[1].encode()

        def check(server, session, envelope, mechanism, data):
            ok = data.login == name and data.password == password
            return AuthResult(success=ok, handled=False)

        kw.update(authenticator=check, auth_required=True,
                  auth_require_tls=bool(a.tls))
    c = Controller(Sink(a.maildir, a.reject), hostname="127.0.0.1",
                   port=a.port, ready_timeout=30, **kw)
    c.start()
    print("ready", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    c.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
