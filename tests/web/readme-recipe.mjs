// README's recipe for frontend teams, as written: the ```ts block between
// <!-- frontend-recipe --> and <!-- /frontend-recipe --> is extracted, compiled with
// `tsc --strict` against the types openapi-typescript made of openapi.yaml and the
// openapi-fetch package, and run against a real server whose access tokens live a second:
// the request refused with an expired token is refreshed once and sent again, and the error
// codes it branches on are the ones the server sends.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = process.env.EXTRANET_BIN && resolve(process.env.EXTRANET_BIN);
if (!bin) throw new Error('EXTRANET_BIN names the server binary');

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const block = /<!-- frontend-recipe -->\n```ts\n([\s\S]*?)```\n<!-- \/frontend-recipe -->/.exec(readme);
if (!block) throw new Error('README has no frontend recipe between its markers');

// The recipe beside the generated types, in a directory under tests/web (so that
// `openapi-fetch` resolves from its node_modules), compiled to CommonJS beside it.
const src = mkdtempSync(join(here, '.recipe-'));
const out = join(src, 'out');
process.on('exit', () => {
  rmSync(src, { recursive: true, force: true });
});
writeFileSync(join(src, 'api-client.ts'), block[1]);
copyFileSync(join(here, 'client/api.d.ts'), join(src, 'api.d.ts'));
execFileSync(
  join(here, 'node_modules/.bin/tsc'),
  ['--strict', '--noUncheckedIndexedAccess', '--target', 'ES2022', '--lib', 'ES2022,DOM', '--module', 'commonjs',
    '--moduleResolution', 'node10', '--esModuleInterop', '--skipLibCheck', 'false', '--outDir', out,
    join(src, 'api-client.ts'), join(src, 'api.d.ts')],
  { stdio: 'inherit' },
);
// tests/web is an ES module package; the compiled recipe is CommonJS.
writeFileSync(join(out, 'package.json'), '{"type": "commonjs"}');
console.log('ok - README\'s recipe compiles with tsc --strict against openapi.yaml\'s types and openapi-fetch');
const require = createRequire(import.meta.url);
const { extranet, invite } = require(join(out, 'api-client.js'));

function check(condition, what) {
  if (!condition) throw new Error(`README recipe: ${what}`);
  console.log(`ok - ${what}`);
}

const server = await startServer(bin, { env: { EXTRANET_TOKEN_TTL_SECONDS: '1' } });
try {
  const admin = { email: 'ada@acme.example', password: 'correct horse battery', first_name: 'Ada', last_name: 'Lovelace' };
  await server.expectStatus(202, 'POST', '/v1/accounts', { name: 'Acme', plan: 'basic', admin });
  const { code } = await server.message(admin.email, 'code');
  const pair = await server.expectStatus(201, 'POST', '/v1/accounts/confirm', { login: admin.email, code });
  const group = await server.expectStatus(201, 'POST', '/v1/workgroups',
    { name: 'Client website', kind: 'project', allow_external: true }, pair.access_token);
  let signedOut = false;
  const client = extranet(server.url, pair, () => { signedOut = true; });

  // Until the first access token is refused (it lives a second): waited for, not slept.
  const deadline = Date.now() + 20000;
  while ((await server.request('GET', '/v1/me', undefined, pair.access_token)).status !== 401) {
    if (Date.now() > deadline) throw new Error('the access token was still accepted after 20 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const first = await invite(client, group.id, 'ann@client.example');
  check(first === 'Invited ann@client.example', `a request refused for its expired token is refreshed and sent again (${first})`);
  check(client.tokens().access_token !== pair.access_token && !signedOut, 'the session goes on with the new pair');
  const again = await invite(client, group.id, 'ann@client.example');
  check(again === 'ann@client.example is invited already', `409 invitation_pending is branched on (${again})`);
  // basic: 5 seats — the administrator's, Ann's, and three more.
  for (const who of ['bo', 'cy', 'di']) await invite(client, group.id, `${who}@client.example`);
  const full = await invite(client, group.id, 'ed@client.example');
  check(full.startsWith('No seat left (0 available)'), `409 user_limit_reached is branched on (${full})`);
} finally {
  await server.stop();
}
