#!/usr/bin/python3
"""A stand-in for the WhatsApp Business Cloud API in the outbox tests: answers each POST with
the next scripted answer and records every request (path, headers, JSON body) in DIR. It
honours Idempotency-Key as a provider that de-duplicates would: a key it accepted before is
answered 200 again without a new message, and recorded with "duplicate": true.

    whatsapp_standin.py DIR [--delay-ms N] ANSWER...
        ANSWER: 200, 500, 429:<retry-after seconds>, hang (no answer for 30 s)
    prints "PORT PID", serves until killed; after the script runs out it answers 200.
"""
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

out_dir = sys.argv[1]
answers = list(sys.argv[2:])
delay = 0.0
if answers[:1] == ["--delay-ms"]:
    delay = int(answers[1]) / 1000.0
    answers = answers[2:]
count = 0
accepted = {}  # Idempotency-Key -> message id
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if delay:
            time.sleep(delay)
        key = self.headers.get("Idempotency-Key")
        with lock:
            count += 1
            n = count
            duplicate = key in accepted
            answer = "200" if duplicate else (answers.pop(0) if answers else "200")
            if answer == "200" and not duplicate:
                accepted[key] = "wamid.%d" % n
        path = os.path.join(out_dir, "%05d.json" % n)
        with open(path + ".tmp", "w", encoding="utf-8") as f:  # readers never see half a file
            json.dump({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                       "body": json.loads(body or b"null"), "answer": answer, "duplicate": duplicate}, f)
        os.replace(path + ".tmp", path)
        if answer == "hang":
            time.sleep(30)
            return
        status, _, retry_after = answer.partition(":")
        payload = ({"messaging_product": "whatsapp", "messages": [{"id": accepted.get(key, "wamid.%d" % n)}]}
                   if status == "200" else {"error": {"message": "scripted %s" % status, "code": int(status)}})
        data = json.dumps(payload).encode()
        self.send_response(int(status))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if retry_after:
            self.send_header("Retry-After", retry_after)
        self.end_headers()
        self.wfile.write(data)


with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print(port, os.getpid(), flush=True)
server.serve_forever()
