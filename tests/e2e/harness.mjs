// Shared pieces of the browser tests: start the real server, launch Debian's Chromium.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const artifacts = path.join(root, 'build', 'e2e-artifacts');
mkdirSync(artifacts, { recursive: true });

// A free TCP port on 127.0.0.1 (for a server that must know its own address up front).
export async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

const stopGraceMs = 30000;

// Starts `daring demo` (on an ephemeral port unless `listen` is given, with `extraArgs`);
// resolves with {url, logins, stop}. `deck: false`: the live session keeps its typed slides
// (no LibreOffice conversion at start, for tests that are not about decks: it costs seconds of
// CPU beside the browsers).
export async function startDemo(binary, { listen = '127.0.0.1:0', extraArgs = [], deck = true } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'daring-e2e-'));
  const child = spawn(
    binary,
    [
      'demo',
      '--listen',
      listen,
      '--db',
      path.join(dir, 'demo.db'),
      '--web-root',
      path.join(root, 'web'),
      '--threads',
      '2',
      // Tests only: argon2id at its least cost (the demo's users sign in in microseconds).
      '--test-cheap-passwords',
      ...(deck ? [] : ['--demo-deck', '']),
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DARING_ADMIN_PASSWORD: '' } },
  );
  let out = '';
  let errors = '';
  child.stderr.on('data', (d) => {
    errors += d;
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start: ' + out + errors)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${errors}`)));
  });
  const logins = {};
  for (const m of out.matchAll(/^\s+(admin|trainer|trainee)\s+(\S+) \/ (\S+)$/gm))
    logins[m[1]] = { username: m[2], password: m[3] };
  return {
    url,
    logins,
    // SIGTERM, then the server has `stopGraceMs` to exit (it drains for a few seconds); one that
    // does not is killed and the test fails saying so, rather than hanging until CTest's timeout.
    async stop() {
      const exited = new Promise((r) =>
        child.exitCode !== null || child.signalCode !== null ? r() : child.on('exit', r),
      );
      child.kill('SIGTERM');
      let timer;
      const late = new Promise((r) => (timer = setTimeout(() => r('late'), stopGraceMs)));
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
      if (outcome === 'late')
        throw new Error(
          `the server did not stop within ${stopGraceMs} ms of SIGTERM; its log:\n${(out + errors).slice(-4000)}`,
        );
    },
  };
}

// `extraArgs`: e.g. the fake microphone for the audio tests.
export async function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

// Collects console errors and page errors of a page; the test asserts the list is empty.
export function watchConsole(page, sink) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') sink.push(`${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => sink.push(`${page.url()}: ${err.message}`));
}

export function assert(condition, message) {
  if (!condition) throw new Error('assertion failed: ' + message);
}

// Signs in through the login form on a new page of `context` (its console errors go to
// `errors`; `onPage` sees the new page before it loads anything); resolves with the page once
// signed in.
export async function signInPage(server, errors, context, username, password, { onPage } = {}) {
  const page = await context.newPage();
  onPage?.(page);
  watchConsole(page, errors);
  await page.goto(server.url + '/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#logout:not([hidden])');
  return page;
}

// A JSON API caller signed in as `username`: (method, path, body?) -> parsed response body.
export async function apiClient(server, username, password) {
  const login = await fetch(server.url + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const { token } = await login.json();
  return async (method, p, body) => {
    const res = await fetch(server.url + p, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return text ? JSON.parse(text) : null; // 204: no body
  };
}

// A helper program printing "PORT PID" on its first line (a provider's stand-in); resolves with
// {port, stop}.
export async function startHelper(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+) \d+/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return {
    port,
    stop() {
      child.kill('SIGTERM');
    },
  };
}
