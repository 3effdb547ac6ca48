#!/usr/bin/python3
"""A live-socket client over TLS for the integration tests (standard library only).

Usage: tls_ws_probe.py PORT PATH TOKEN
Connects with TLS (the test's self-signed certificate is not verified), upgrades with the
bearer token, waits for `welcome`, pings, sends a chat message split into two fragments, waits
for the chat to come back and the pong, then closes with 1000. Prints one JSON object with
what it saw; the C++ test asserts on it.
"""
import base64
import hashlib
import json
import os
import socket
import ssl
import struct
import sys

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def frame(opcode, payload, final=True):
    mask = os.urandom(4)
    head = bytes([(0x80 if final else 0) | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class reader:
    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    def need(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def frame(self):
        b0, b1 = self.need(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self.need(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self.need(8))[0]
        return b0 & 0x0F, self.need(n)


def main():
    port, path, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Authorization: Bearer {token}\r\n\r\n").encode())
    r = reader(sock)
    head = b""
    while b"\r\n\r\n" not in head:
        head += r.need(1)
    lines = head.decode().split("\r\n")
    seen = {"status": int(lines[0].split()[1]), "accept_ok": False, "types": [], "pongs": [], "close_code": None}
    expected = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    seen["accept_ok"] = any(l.lower() == "sec-websocket-accept: " + expected.lower() for l in lines)

    def messages(payload):
        j = json.loads(payload)
        return j if isinstance(j, list) else [j]

    chat_back = False
    while True:
        opcode, payload = r.frame()
        if opcode == 1:
            for m in messages(payload):
                seen["types"].append(m["type"])
                if m["type"] == "welcome":
                    sock.sendall(frame(9, b"tls-ping"))
                    sock.sendall(frame(1, b'{"type":"chat",', final=False))
                    sock.sendall(frame(0, b'"text":"lewat TLS"}'))
                if m["type"] == "chat" and m.get("text") == "lewat TLS":
                    chat_back = True
        elif opcode == 10:
            seen["pongs"].append(payload.decode())
        if chat_back and seen["pongs"]:
            break
    sock.sendall(frame(8, struct.pack("!H", 1000)))
    while True:
        opcode, payload = r.frame()
        if opcode == 8:
            seen["close_code"] = struct.unpack("!H", payload[:2])[0]
            break
    try:
        seen["eof_after_close"] = sock.recv(1) == b""
    except (ssl.SSLError, OSError):
        seen["eof_after_close"] = True
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
