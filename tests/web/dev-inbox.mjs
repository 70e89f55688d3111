// Browser tests of the development inbox (/dev/inbox) and clock, in Debian's chromium
// (playwright-core, no browser download), against servers this script starts itself: QA
// reads a sign-up code and an invitation link in the inbox, follows the link to /accept,
// moves the clock 8 days and sees the same link expired; a server on a reachable address
// does not serve the inbox. One line per check, screenshots in target/browser/.
//   node tests/web/dev-inbox.mjs      (EXTRANET_BIN: the binary, default target/debug/extranet)
import { chromium } from 'playwright-core';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { assert, check, outline, shot, watchedPage } from './checks.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = resolve(process.env.EXTRANET_BIN || resolve(root, 'target/debug/extranet'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';


let browser;
let server;
const errors = [];
const newPage = () => watchedPage(browser, errors);
// The message card in the inbox whose recipient is `to` (the newest first).
const cardTo = (page, to) => page.locator('[data-testid="message"]').filter({ has: page.locator(`[data-testid="to"]:text-is("${to}")`) });

async function run() {
  const ADMIN = { email: 'qa@acme.example', password: 'correct horse battery', first_name: 'Q', last_name: 'A' };
  const inbox = await newPage();

  await check('inbox: a sign-up code shows up, and it confirms the sign-up', async () => {
    await server.expectStatus(202, 'POST', '/v1/accounts', { name: 'Acme', admin: ADMIN });
    await inbox.goto(`${server.url}/dev/inbox`);
    const card = cardTo(inbox, ADMIN.email).first();
    await card.waitFor({ timeout: 15000 });
    const code = (await card.locator('[data-testid="code"]').textContent()).trim();
    assert(/^\d{6}$/.test(code), `a six-digit code, got ${code}`);
    const confirmed = await server.expectStatus(201, 'POST', '/v1/accounts/confirm', { login: ADMIN.email, code });
    server.adminToken = confirmed.access_token;
    return shot(inbox, 'dev-inbox-code.png');
  });

  let link;
  await check('inbox: an invitation shows up with its link; clicking it opens /accept', async () => {
    const body = {
      type: 'extranet',
      workgroup: { name: 'Client website', kind: 'project' },
      invitees: [{ email: 'ann@client.example', first_name: 'Ann', last_name: 'Lee' }],
    };
    await server.expectStatus(201, 'POST', '/v1/invitations', body, server.adminToken);
    await inbox.click('[data-testid="refresh"]');
    const card = cardTo(inbox, 'ann@client.example').first();
    await card.waitFor({ timeout: 15000 });
    const anchor = card.locator('[data-testid="link"]');
    link = await anchor.getAttribute('href');
    assert(link.startsWith(`${server.url}/accept#token=`), `a link to the accept page, got ${link}`);
    const page = await newPage();
    await page.goto(`${server.url}/dev/inbox`);
    await cardTo(page, 'ann@client.example').first().locator('[data-testid="link"]').click();
    await page.locator('#view-invitation').waitFor({ state: 'visible', timeout: 10000 });
    assert(page.url().startsWith(`${server.url}/accept`), page.url());
    return shot(page, 'dev-inbox-accept.png');
  });

  await check('inbox: text a stranger chose is shown as text, never run', async () => {
    const body = {
      type: 'extranet',
      workgroup: { name: '<img src=x onerror=alert(1)>', kind: 'project' },
      invitees: [{ email: 'bo@client.example', first_name: '<b>Bo</b>', last_name: '<script>alert(1)</script>' }],
      message: '<img src=x onerror=alert(2)>',
    };
    await server.expectStatus(201, 'POST', '/v1/invitations', body, server.adminToken);
    await inbox.click('[data-testid="refresh"]');
    const card = cardTo(inbox, 'bo@client.example').first();
    await card.waitFor({ timeout: 15000 });
    assert((await card.locator('img').count()) === 0, 'no image element in the card');
    assert((await card.locator('[data-testid="text"]').textContent()).includes('<img src=x onerror=alert(2)>'), 'the message as text');
  });

  await check('clock: +8 days in the inbox, and the same link says "expired"', async () => {
    await inbox.click('[data-testid="advance-8-days"]');
    await inbox.locator('[data-testid="clock-offset"]:text-is("8 days ahead")').waitFor({ timeout: 10000 });
    const page = await newPage();
    await page.goto(link);
    await page.locator('#view-problem').waitFor({ state: 'visible', timeout: 10000 });
    const title = (await page.locator('#problem-title').textContent()).trim();
    assert(title === 'This invitation has expired', `problem title: ${title}`);
    return shot(page, 'dev-inbox-expired.png');
  });

  await check('inbox: unknown on a server that listens on every address', async () => {
    const reachable = await startServer(bin, { bindAll: true });
    try {
      for (const path of ['/dev/inbox', '/dev/messages', '/dev/clock']) {
        const r = await reachable.request('GET', path);
        assert(r.status === 404, `${path}: ${r.status}`);
      }
    } finally {
      await reachable.stop();
    }
  });

  await check('pages: no console errors or CSP violations', async () => {
    assert(errors.length === 0, errors.join('\n'));
  });
}

await outline(async (started) => {
  server = await startServer(bin);
  started(() => server.stop());
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
  started(() => browser.close());
}, run);
