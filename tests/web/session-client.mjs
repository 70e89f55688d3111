// The typed client's session wrapper (client/session.ts), compiled and run against a real
// server: an access token that expires is refreshed once and the request retried; requests
// refused together share one refresh (a second exchange of the same refresh token would end
// the session); after a logout nothing refreshes. The server's access tokens live one second
// here, so the test waits — for the condition, with a deadline — until one is refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.EXTRANET_BIN && resolve(process.env.EXTRANET_BIN);
if (!bin) throw new Error('EXTRANET_BIN names the server binary');

// session.ts and what it imports, compiled to CommonJS in a directory of its own.
const out = mkdtempSync(join(tmpdir(), 'extranet-client-'));
process.on('exit', () => rmSync(out, { recursive: true, force: true }));
execFileSync(
  join(here, 'node_modules/.bin/tsc'),
  ['-p', join(here, 'client'), '--noEmit', 'false', '--outDir', out, '--module', 'commonjs', '--moduleResolution', 'node10'],
  { stdio: 'inherit' },
);
const require = createRequire(import.meta.url);
const { Session } = require(join(out, 'session.js'));
const { client } = require(join(out, 'typed-fetch.js'));

function check(condition, what) {
  if (!condition) throw new Error(`session client: ${what}`);
  console.log(`ok - ${what}`);
}

const server = await startServer(bin, { env: { EXTRANET_TOKEN_TTL_SECONDS: '1' } });
try {
  const signedUp = await server.signUp('Acme', {
    email: 'ada@acme.example',
    password: 'correct horse battery',
    first_name: 'Ada',
    last_name: 'Lovelace',
  });
  const session = new Session(client(server.url), signedUp);

  // Until the access token is refused (its second, and the server's 5 s of leeway, pass).
  async function untilExpired(token) {
    const deadline = Date.now() + 60000;
    while ((await server.request('GET', '/v1/me', undefined, token)).status !== 401) {
      if (Date.now() > deadline) throw new Error('the access token never expired');
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const first = session.tokens;
  await untilExpired(first.access_token);
  const me = await session.call('get', '/v1/me', {});
  check(me.status === 200 && me.data?.kind === 'user', 'a refused access token is refreshed and the request retried');
  check(session.refreshes === 1 && session.tokens.refresh_token !== first.refresh_token, 'one refresh, a new refresh token');

  const second = session.tokens;
  await untilExpired(second.access_token);
  const both = await Promise.all([session.call('get', '/v1/me', {}), session.call('get', '/v1/account', {})]);
  check(both.every((a) => a.status === 200), 'two requests refused together both succeed');
  check(session.refreshes === 2, 'they shared one refresh');

  check((await session.logOut()) === 204, 'logout');
  const after = await session.call('get', '/v1/me', {});
  check(after.status === 401 && session.refreshes === 2, 'after a logout the session does not come back');
  const refused = await server.request('POST', '/v1/auth/refresh', { refresh_token: session.tokens.refresh_token });
  check(refused.status === 401 && refused.data.code === 'invalid_refresh_token', "the logged-out session's refresh token is dead");
} finally {
  await server.stop();
}
