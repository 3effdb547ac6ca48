#!/usr/bin/python3
"""An SMTP server for the outbox tests (Debian's python3-aiosmtpd): stores each message it is
given as JSON in DIR (envelope, decoded subject, text and HTML parts, Message-ID). The first
REJECT messages get a temporary refusal (451) and are stored with "rejected": true.

    smtp_sink.py DIR [REJECT]    # prints "PORT PID", serves until killed
"""
import email
import email.policy
import json
import os
import socket
import sys
import time

from aiosmtpd.controller import Controller

out_dir = sys.argv[1]
reject = int(sys.argv[2]) if len(sys.argv) > 2 else 0


class Sink:
    def __init__(self):
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = {}
        for part in message.walk():
            if part.get_content_type() in ("text/plain", "text/html"):
                parts[part.get_content_type()] = part.get_content()
        rejected = self.seen <= reject
        record = {"from": envelope.mail_from, "to": envelope.rcpt_tos, "subject": str(message["subject"]),
                  "message_id": str(message["message-id"]), "text": parts.get("text/plain", ""),
                  "html": parts.get("text/html", ""), "rejected": rejected}
        path = os.path.join(out_dir, "%04d.json" % self.seen)
        with open(path + ".tmp", "w", encoding="utf-8") as f:  # readers never see half a file
            json.dump(record, f)
        os.replace(path + ".tmp", path)
        return "451 Try again later" if rejected else "250 Message accepted"


with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
print(port, os.getpid(), flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
