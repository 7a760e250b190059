#!/usr/bin/python3
# t/mock/smtp_sink.py: the mail server of the Apache::Test suite, on
# 127.0.0.1 (Debian's python3-aiosmtpd). t/TEST.PL starts it before httpd
# (httpd's configuration names its port) and it exits when its parent does.
#
#   smtp_sink.py PORT MAIL_DIR CERT KEY USER PASSWORD
#
# It offers STARTTLS with CERT/KEY (self-signed; httpd trusts it through
# EverytimeSMTPCAFile) and requires it, then requires AUTH as USER/PASSWORD,
# as a submission server would. Each message accepted is written to MAIL_DIR
# as <time>-<n>.eml, the bytes as received (written to a temporary name and
# renamed, so a reader never sees half a mail). A recipient whose local part
# is "reject" is refused with 550, for "the server refuses for good".
# MAIL_DIR/ready appears once it listens.
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword, SMTP

port, mail_dir, cert, key, user, password = sys.argv[1:7]
parent = os.getppid()
count = 0


class Sink:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0] == "reject":
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        name = "%d-%05d.eml" % (time.time() * 1000000, count)
        tmp = os.path.join(mail_dir, "." + name)
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(mail_dir, name))
        return "250 OK queued"


def authenticate(server, session, envelope, mechanism, data):
    ok = (isinstance(data, LoginPassword) and data.login.decode() == user
          and data.password.decode() == password)
    return AuthResult(success=ok)


class Server(Controller):
    def factory(self):
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert, key)
        return SMTP(self.handler, hostname="smtp.test", tls_context=tls, require_starttls=True,
                    auth_required=True, auth_require_tls=True, authenticator=authenticate)


server = Server(Sink(), hostname="127.0.0.1", port=int(port))
server.start()
open(os.path.join(mail_dir, "ready"), "w").close()
try:
    while os.getppid() == parent:
        time.sleep(0.5)
finally:
    server.stop()
