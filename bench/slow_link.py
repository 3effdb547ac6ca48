#!/usr/bin/env python3
"""A trainee on a slow link: one shared downlink of 64 kbit/s with a 300 ms round trip for all of
the trainee's connections together (the live WebSocket and the HTTP fetches of deck pages), made
by a shaping proxy in front of a real `daring serve`. The trainer (direct) speaks at 16 kbit/s
(40 ms Opus-sized packets in real time) and switches to the next deck page every 20 s. The
trainee's client does what the web page does: on each slide it shows the page's small picture
(from what it fetched ahead, else downloading it), then fetches the next two pages one after
another in paced byte ranges (600 bytes every 150 ms).

Measured, for a run with page downloads and a baseline run without them (same invocation):
audio delay (send to receipt) p50/p95/max, the longest gap between audio records, and for each
switch the time until the page could be shown. Targets: audio delay p95 < 2 s, no audio gap
caused by page downloads (the gap no longer than the baseline's by more than a packet's worth of
the link), a prefetched page shown <= 1 s after the switch.

Usage: bench/slow_link.py build/daring [--seconds 100]
"""
import argparse
import asyncio
import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

LINK_BYTES_PER_S = 64000 / 8
ONE_WAY_S = 0.150
FRAME_MS = 40
PACKET = 80  # bytes of Opus at 16 kbit/s and 40 ms
PIECE_BYTES = 600  # pages fetched ahead: a byte range of this size ...
PIECE_EVERY_S = 0.150  # ... this often (web/js/widgets/page_view.js)


# ---------------------------------------------------------------- a PDF deck
def make_pdf(pages):
    objects = ['<< /Type /Catalog /Pages 2 0 R >>', '', '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']
    kids = []
    for n in range(1, pages + 1):
        page_obj = len(objects) + 1
        kids.append(f'{page_obj} 0 R')
        objects.append(f'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 960 540] /Resources << /Font << /F1 3 0 R >> >> /Contents {page_obj + 1} 0 R >>')
        content = ''.join(f'0.{2 + i % 7} 0.5 0.3 rg {80 + i * 70} 60 50 {40 + (i * 37 + n * 53) % 300} re f\n' for i in range(11))
        content += f'BT /F1 40 Tf 0 0 0 rg 80 460 Td (Pembukuan Sederhana {n}) Tj ET\n'
        content += f'BT /F1 22 Tf 80 420 Td (Kas masuk, kas keluar dan saldo harian, halaman {n}) Tj ET'
        objects.append(f'<< /Length {len(content)} >>\nstream\n{content}\nendstream')
    objects[1] = f'<< /Type /Pages /Kids [{" ".join(kids)}] /Count {pages} >>'
    out = '%PDF-1.4\n'
    offsets = []
    for i, o in enumerate(objects):
        offsets.append(len(out))
        out += f'{i + 1} 0 obj\n{o}\nendobj\n'
    xref = len(out)
    out += f'xref\n0 {len(objects) + 1}\n0000000000 65535 f \n' + ''.join(f'{o:010d} 00000 n \n' for o in offsets)
    out += f'trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n'
    return out.encode('latin-1')


# ---------------------------------------------------------------- the server and its API
class Server:
    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix='daring-slow-link-')
        env = dict(os.environ, DARING_ADMIN_PASSWORD='admin-slow-link-1')
        self.proc = subprocess.Popen([binary, 'serve', '--listen', '127.0.0.1:0', '--db', os.path.join(self.dir, 'b.db')],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        line = self.proc.stdout.readline()
        while 'listening on' not in line:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit('the server did not start')
        self.port = int(line.strip().rsplit(':', 1)[1])
        self.admin = self.login('admin', 'admin-slow-link-1')

    def call(self, method, path, body=None, token=None, raw=None, ctype='application/json'):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(f'http://127.0.0.1:{self.port}{path}', data=data, method=method)
        if data is not None:
            req.add_header('Content-Type', ctype)
        if token:
            req.add_header('Authorization', 'Bearer ' + token)
        with urllib.request.urlopen(req) as res:
            text = res.read()
            return json.loads(text) if text else None

    def login(self, user, password):
        return self.call('POST', '/api/v1/auth/login', {'username': user, 'password': password})['token']

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def plan(server, pages):
    a = server.admin
    server.call('POST', '/api/v1/regions', {'code': '62.71', 'name': 'Kota Palangka Raya', 'utc_offset_minutes': 420}, a)
    f = server.call('POST', '/api/v1/funding-sources', {'code': 'DAK-B', 'name': 'DAK', 'kind': 'DAK', 'fiscal_year': 2026, 'amount_idr': 1}, a)
    t = server.call('POST', '/api/v1/trainings', {'title': 'Pembukuan', 'region_code': '62.71', 'funding_source_id': f['id'],
                                                  'planned_mode': 'online', 'switch_policy': 'auto'}, a)
    csv = 'username,password,full_name,role\npelatih.b,password-bench,Pelatih,trainer\nsiswa.b,password-bench,Siswa,trainee\n'
    server.call('POST', '/api/v1/users/import?must_change_password=false', raw=csv.encode(), token=a, ctype='text/csv')
    users = {u['username']: u['id'] for u in server.call('GET', '/api/v1/users?limit=100', token=a)}
    server.call('POST', f'/api/v1/trainings/{t["id"]}/trainers', {'user_id': users['pelatih.b']}, a)
    server.call('POST', f'/api/v1/trainings/{t["id"]}/enrollments', {'user_ids': [users['siswa.b']]}, a)
    now = int(time.time())
    iso = lambda s: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(s))
    s = server.call('POST', f'/api/v1/trainings/{t["id"]}/sessions',
                    {'title': 'Sesi', 'starts_at': iso(now - 60), 'ends_at': iso(now + 3600), 'slides': [{'title': 'Pembuka', 'body': ''}]}, a)
    d = server.call('POST', f'/api/v1/sessions/{s["id"]}/deck', raw=make_pdf(pages), token=a, ctype='application/pdf')
    while server.call('GET', f'/api/v1/decks/{d["id"]}', token=a)['status'] == 'converting':
        time.sleep(0.2)
    server.call('POST', f'/api/v1/sessions/{s["id"]}/start', {}, a)
    slides = server.call('GET', f'/api/v1/sessions/{s["id"]}', token=a)['slides']
    return s['id'], slides, server.login('pelatih.b', 'password-bench'), server.login('siswa.b', 'password-bench')


# ---------------------------------------------------------------- the shaping proxy
class Link:
    """One downlink shared by every proxied connection: FIFO, LINK_BYTES_PER_S, ONE_WAY_S each way."""

    def __init__(self):
        self.queue = asyncio.Queue()
        self.task = asyncio.ensure_future(self.serialize())

    async def serialize(self):
        loop = asyncio.get_running_loop()
        while True:
            writer, chunk = await self.queue.get()
            await asyncio.sleep(len(chunk) / LINK_BYTES_PER_S)
            loop.call_later(ONE_WAY_S, lambda w=writer, c=chunk: (not w.is_closing()) and w.write(c))

    async def proxy(self, server_port, client_reader, client_writer):
        up_reader, up_writer = await asyncio.open_connection('127.0.0.1', server_port)
        loop = asyncio.get_running_loop()

        async def upstream():
            while data := await client_reader.read(4096):
                loop.call_later(ONE_WAY_S, lambda d=data: (not up_writer.is_closing()) and up_writer.write(d))
            up_writer.close()

        async def downstream():
            while data := await up_reader.read(1460):
                await self.queue.put((client_writer, data))

        await asyncio.gather(upstream(), downstream(), return_exceptions=True)


# ---------------------------------------------------------------- a minimal WebSocket client
async def ws_connect(port, path, token):
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f'GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                  f'Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:{port}\r\n'
                  f'Authorization: Bearer {token}\r\n\r\n').encode())
    head = await reader.readuntil(b'\r\n\r\n')
    if b' 101 ' not in head.split(b'\r\n')[0]:
        raise SystemExit(f'upgrade refused: {head[:200]}')
    return reader, writer


def ws_frame(opcode, payload):
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack('>H', n))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


async def ws_read(reader):
    b0, b1 = await reader.readexactly(2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack('>H', await reader.readexactly(2))[0]
    elif n == 127:
        n = struct.unpack('>Q', await reader.readexactly(8))[0]
    return b0 & 0x0F, await reader.readexactly(n)


# ---------------------------------------------------------------- one run
async def run(server, session, slides, trainer_token, trainee_token, seconds, fetch_pages):
    link = Link()
    proxy = await asyncio.start_server(lambda r, w: link.proxy(server.port, r, w), '127.0.0.1', 0)
    proxy_port = proxy.sockets[0].getsockname()[1]
    pages = [i for i, s in enumerate(slides) if s.get('page')]
    sent_at = {}  # audio seq offset -> send time
    delays, arrivals, shown = [], [], []
    cache, fetching = set(), asyncio.Lock()
    http_reader = http_writer = None

    async def get(url, first=None):
        """GET (a range of 600 bytes from `first`); returns the total size."""
        nonlocal http_reader, http_writer
        if http_writer is None:
            http_reader, http_writer = await asyncio.open_connection('127.0.0.1', proxy_port)
        rng = f'Range: bytes={first}-{first + PIECE_BYTES - 1}\r\n' if first is not None else ''
        http_writer.write(f'GET {url} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {trainee_token}\r\n{rng}\r\n'.encode())
        head = await http_reader.readuntil(b'\r\n\r\n')
        lines = head.split(b'\r\n')
        length = int([l for l in lines if l.lower().startswith(b'content-length')][0].split(b':')[1])
        await http_reader.readexactly(length)
        ranges = [l for l in lines if l.lower().startswith(b'content-range')]
        return int(ranges[0].split(b'/')[1]) if ranges else length

    async def fetch(url, paced):
        async with fetching:  # one at a time, as the page's prefetcher does
            if url in cache:
                return
            if not paced:
                await get(url)
            else:  # what the web page does ahead of need: paced pieces
                at, size = 0, 1
                while at < size:
                    size = await get(url, at)
                    at += PIECE_BYTES
                    if at < size:
                        await asyncio.sleep(PIECE_EVERY_S)
            cache.add(url)

    async def on_slide(index, at):
        url = slides[index]['page']['small'] if slides[index].get('page') else None
        if not fetch_pages:
            return
        if url:
            await fetch(url, False)
            shown.append(time.monotonic() - at)
        for ahead in slides[index + 1:index + 3]:
            if ahead.get('page'):
                asyncio.ensure_future(fetch(ahead['page']['small'], True))

    # The trainer is on the opening text slide when the trainee joins (each run starts there).
    t_reader, t_writer = await ws_connect(server.port, f'/api/v1/sessions/{session}/live', trainer_token)
    t_writer.write(ws_frame(1, json.dumps({'type': 'show_slide', 'index': 0}).encode()))
    await asyncio.sleep(0.5)
    reader, writer = await ws_connect(proxy_port, f'/api/v1/sessions/{session}/live', trainee_token)
    t_writer.write(ws_frame(1, json.dumps({'type': 'audio_start', 'codec': 'opus', 'sample_rate': 48000, 'channels': 1,
                                           'frame_ms': FRAME_MS, 'bitrate': 16000}).encode()))
    first_seq = None

    async def listen():
        nonlocal first_seq
        while True:
            op, data = await ws_read(reader)
            now = time.monotonic()
            if op == 2:
                at = 0
                while at + 14 <= len(data):
                    length, seq = struct.unpack('>HI', data[at + 2:at + 8])
                    if first_seq is None:
                        first_seq = seq
                    if seq - first_seq in sent_at:
                        delays.append(now - sent_at[seq - first_seq])
                    arrivals.append(now)
                    at += 14 + length
            elif op == 1:
                messages = json.loads(data)
                for m in messages if isinstance(messages, list) else [messages]:
                    if m.get('type') == 'slide':
                        asyncio.ensure_future(on_slide(m['index'], now))
                    elif m.get('type') == 'welcome':  # the page joined: fetch ahead at once
                        asyncio.ensure_future(on_slide(m['slide']['index'], now))

    async def drain_trainer():
        while True:
            await ws_read(t_reader)

    tasks = [asyncio.ensure_future(listen()), asyncio.ensure_future(drain_trainer())]
    await asyncio.sleep(6)  # the trainee joined a little before the trainer goes on
    began = time.monotonic()
    frames = int(seconds * 1000 / FRAME_MS)
    switch_every = int(20000 / FRAME_MS)
    page = 0
    for k in range(frames):
        if k % switch_every == 0 and page < len(pages):
            t_writer.write(ws_frame(1, json.dumps({'type': 'show_slide', 'index': pages[page]}).encode()))
            page += 1
        sent_at[k] = time.monotonic()
        t_writer.write(ws_frame(2, struct.pack('>BBH', 1, 0, FRAME_MS) + bytes([0xF8]) + os.urandom(PACKET - 1)))
        await asyncio.sleep(max(0, began + (k + 1) * FRAME_MS / 1000 - time.monotonic()))
    await asyncio.sleep(3)
    for t in tasks:
        t.cancel()
    writer.close()
    t_writer.close()
    proxy.close()
    link.task.cancel()
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    return delays, max(gaps) if gaps else 0, shown


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float('nan')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('binary')
    ap.add_argument('--seconds', type=float, default=100)
    args = ap.parse_args()
    server = Server(args.binary)
    try:
        session, slides, trainer, trainee = plan(server, pages=8)
        base_delays, base_gap, _ = asyncio.run(run(server, session, slides, trainer, trainee, args.seconds, False))
        delays, gap, shown = asyncio.run(run(server, session, slides, trainer, trainee, args.seconds, True))
    finally:
        server.stop()
    print(f'link: {LINK_BYTES_PER_S * 8 / 1000:.0f} kbit/s shared, {ONE_WAY_S * 2000:.0f} ms RTT; audio 16 kbit/s; a page every 20 s')
    print(f'baseline (no page downloads): audio delay p50 {pct(base_delays, .5):.3f} s  p95 {pct(base_delays, .95):.3f} s  '
          f'max {max(base_delays):.3f} s  longest gap {base_gap:.3f} s  ({len(base_delays)} packets)')
    print(f'with pages fetched ahead:     audio delay p50 {pct(delays, .5):.3f} s  p95 {pct(delays, .95):.3f} s  '
          f'max {max(delays):.3f} s  longest gap {gap:.3f} s  ({len(delays)} packets)')
    print(f'  ratio p95 {pct(delays, .95) / pct(base_delays, .95):.2f}x baseline (target p95 < 2 s); longest gap '
          f'{gap - base_gap:+.3f} s vs baseline')
    print('  page shown after each switch (s): ' + ' '.join(f'{s:.2f}' for s in shown) + '  (target <= 1 s)')


if __name__ == '__main__':
    main()
