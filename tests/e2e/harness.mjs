// Shared pieces of the browser tests: start the real server, launch Debian's Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const artifacts = path.join(root, 'build', 'e2e-artifacts');
mkdirSync(artifacts, { recursive: true });

// Starts `daring demo` on an ephemeral port; resolves with {url, logins, stop}.
export async function startDemo(binary) {
  const dir = mkdtempSync(path.join(tmpdir(), 'daring-e2e-'));
  const child = spawn(binary, ['demo', '--listen', '127.0.0.1:0', '--db', path.join(dir, 'demo.db'),
    '--web-root', path.join(root, 'web'), '--threads', '2'], { stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DARING_ADMIN_PASSWORD: '' } });
  let out = '';
  let errors = '';
  child.stderr.on('data', (d) => { errors += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start: ' + out + errors)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${errors}`)));
  });
  const logins = {};
  for (const m of out.matchAll(/^\s+(admin|trainer|trainee)\s+(\S+) \/ (\S+)$/gm)) logins[m[1]] = { username: m[2], password: m[3] };
  return {
    url, logins,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// `extraArgs`: e.g. the fake microphone for the audio tests.
export async function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

// Collects console errors and page errors of a page; the test asserts the list is empty.
export function watchConsole(page, sink) {
  page.on('console', (msg) => { if (msg.type() === 'error') sink.push(`${page.url()}: ${msg.text()}`); });
  page.on('pageerror', (err) => sink.push(`${page.url()}: ${err.message}`));
}

export function assert(condition, message) {
  if (!condition) throw new Error('assertion failed: ' + message);
}
