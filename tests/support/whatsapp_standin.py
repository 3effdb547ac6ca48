#!/usr/bin/python3
"""A stand-in for the WhatsApp Business Cloud API in the outbox tests: answers each POST with
the next scripted answer and records every request (path, headers, JSON body) in DIR.

    whatsapp_standin.py DIR ANSWER...   # ANSWER: 200, 500, 429:<retry-after seconds>, hang
    prints "PORT PID", serves until killed; after the script runs out it answers 200.
"""
import json
import os
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

out_dir = sys.argv[1]
answers = list(sys.argv[2:])
count = 0


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        global count
        count += 1
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(os.path.join(out_dir, "%04d.json" % count), "w", encoding="utf-8") as f:
            json.dump({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                       "body": json.loads(body or b"null")}, f)
        answer = answers.pop(0) if answers else "200"
        if answer == "hang":
            time.sleep(30)
            return
        status, _, retry_after = answer.partition(":")
        payload = ({"messaging_product": "whatsapp", "messages": [{"id": "wamid.%d" % count}]}
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
