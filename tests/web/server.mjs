// The server under test, run as its own process: a free port, a fresh SQLite database in a
// temporary directory, console delivery (each message is a JSON line on stdout, with `link`
// or `code`), and small helpers to call its API as a client would.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// Whether `port` (0: any) can be listened on now; resolves to the port, or null.
function tryPort(port) {
  return new Promise((resolve) => {
    const s = createServer();
    s.unref();
    s.on('error', () => resolve(null));
    s.listen(port, '127.0.0.1', () => {
      const bound = s.address().port;
      s.close(() => resolve(bound));
    });
  });
}

// A port nothing listens on now, outside the kernel's ephemeral range: outgoing connections
// take their local ports from there, and could take this one before the server binds it.
async function freePort() {
  let [low, high] = [32768, 60999];
  try {
    [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  } catch {
    // Not Linux: the defaults.
  }
  const [from, to] = low > 11000 ? [10000, low] : [high + 1, 65536];
  for (let i = 0; i < 1000; i += 1) {
    const port = await tryPort(from + Math.floor(Math.random() * (to - from)));
    if (port !== null) return port;
  }
  return tryPort(0);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// `options.beside`: a running server whose database this one shares (a second process on
// the same SQLite file, as several servers share one database); `options.wrapper`: a command
// to run the binary with, e.g. `['faketime', '+8 days']` for a server whose clock is ahead;
// `options.bindAll`: listen on every address (still called at 127.0.0.1); `options.env`: settings of its own (`EXTRANET_CORS_ORIGINS`, `EXTRANET_TOKEN_TTL_SECONDS`,
// `EXTRANET_APP_URL`).
export async function startServer(bin, options = {}) {
  const ownDir = !options.beside;
  const dir = options.beside?.dir ?? (await mkdtemp(join(tmpdir(), 'extranet-browser-')));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const [command, ...args] = [...(options.wrapper ?? []), bin, 'serve'];
  const child = spawn(command, args, {
    // In the temporary directory, so that no extranet.toml of the developer's is read.
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      EXTRANET_BIND: options.bindAll ? `0.0.0.0:${port}` : `127.0.0.1:${port}`,
      EXTRANET_PUBLIC_URL: url,
      DATABASE_URL: `sqlite://${dir}/extranet.db`,
      EXTRANET_EMAIL: 'console',
      EXTRANET_SMS: 'console',
      EXTRANET_JWT_SECRET: 'browser-test-secret-0123456789abcdef0123456789',
      EXTRANET_LOG: 'warn',
      // Two wrong passwords for a profile, then one per 3 s: a real 429 within a short test.
      EXTRANET_LOGIN_FAILURE_BURST: '2',
      EXTRANET_LOGIN_FAILURE_INTERVAL_SECONDS: '3',
      ...(options.env ?? {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages = [];
  const waiters = new Set();
  const log = [];
  let exited = null;
  createInterface({ input: child.stdout }).on('line', (line) => {
    let m;
    try {
      m = JSON.parse(line);
    } catch {
      log.push(line);
      return;
    }
    if (!m || typeof m !== 'object' || !m.delivery) {
      log.push(line);
      return;
    }
    messages.push(m);
    for (const w of waiters) w();
  });
  createInterface({ input: child.stderr }).on('line', (line) => log.push(line));
  // However this script ends (an exception, Ctrl-C, a closed pipe), the server goes too.
  const cleanUp = () => {
    if (!exited) child.kill('SIGKILL');
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => process.exit(130));
  const exitedPromise = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      for (const w of waiters) w();
      resolve(exited);
    })
  );

  async function request(method, path, body, token) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = text;
    }
    return { status: res.status, data, headers: res.headers };
  }

  async function expectStatus(want, method, path, body, token) {
    const r = await request(method, path, body, token);
    if (r.status !== want) {
      throw new Error(`${method} ${path}: expected ${want}, got ${r.status}: ${JSON.stringify(r.data)}`);
    }
    return r.data;
  }

  // The first console message (from now on or already printed) to `to` with `key` in it.
  function message(to, key, timeoutMs = 15000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = messages.find((x) => x.to === to && x[key]);
        if (m) {
          waiters.delete(check);
          clearTimeout(timer);
          messages.splice(messages.indexOf(m), 1); // each message is taken once
          resolve(m);
        } else if (exited) {
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`the server exited (${JSON.stringify(exited)}) before a message to ${to}`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no message with ${key} to ${to} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  // Sign-up as the API has it: POST /v1/accounts, the code from the console, confirm.
  async function signUp(name, admin) {
    await expectStatus(202, 'POST', '/v1/accounts', { name, admin });
    const { code } = await message(admin.email, 'code');
    return expectStatus(201, 'POST', '/v1/accounts/confirm', { login: admin.email, code });
  }

  // One extranet invitation into a new project; answers the invitation and its link.
  async function invite(adminToken, invitee, workgroupName, message_) {
    const body = {
      type: 'extranet',
      workgroup: { name: workgroupName, kind: 'project' },
      invitees: [invitee],
    };
    if (message_) body.message = message_;
    const data = await expectStatus(201, 'POST', '/v1/invitations', body, adminToken);
    const { link } = await message(invitee.email, 'link');
    return { invitation: data.results[0].invitation, link };
  }

  async function stop() {
    if (!exited) {
      child.kill('SIGTERM');
      const done = await Promise.race([exitedPromise, sleep(12000).then(() => null)]);
      if (!done) {
        child.kill('SIGKILL');
        await exitedPromise;
      }
    }
    if (ownDir) await rm(dir, { recursive: true, force: true });
  }

  const deadline = Date.now() + 30000;
  for (;;) {
    if (exited) {
      if (ownDir) await rm(dir, { recursive: true, force: true });
      throw new Error(`the server exited at start (${JSON.stringify(exited)}):\n${log.join('\n')}`);
    }
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server was not ready within 30 s:\n${log.join('\n')}`);
    }
    await sleep(100);
  }
  return { url, dir, request, expectStatus, message, signUp, invite, stop, log };
}

// A frontend of its own on another origin: a tiny page served from a port of its own
// (`http://127.0.0.1:PORT`), from which a browser calls the API as a single-page app would.
export async function startFrontend(title) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
    `<body><h1>${title}</h1></body></html>`;
  const server = createHttpServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html);
  });
  const port = await freePort();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
