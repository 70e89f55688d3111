// Browser tests of the join page (/join, issue #29) in Debian's chromium (playwright-core, no
// browser download), against a server this script starts itself: a join link opened as
// /join#code=…, the form filled, the six-digit code read from the console delivery (as the
// other scripts read codes), confirmed with a password → signed in (a link without approval);
// the waiting message for a link that needs approval; the page in German by Accept-Language
// and the switcher to French keeping the link's code; a dead link. One line per check,
// screenshots in target/browser/.
//   node tests/web/join.mjs      (EXTRANET_BIN: the binary, default target/debug/extranet)
import { chromium } from 'playwright-core';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { assert, check, equal, outline, shot, watchedPage } from './checks.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = resolve(process.env.EXTRANET_BIN || resolve(root, 'target/debug/extranet'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'correct horse battery';

let browser;
let server;
const errors = [];
const newPage = (language = 'en-US') => watchedPage(browser, errors, { locale: language });
const text = async (page, selector) => ((await page.locator(selector).textContent()) || '').trim();
const shown = (page, view) => page.locator(`#view-${view}`).waitFor({ state: 'visible', timeout: 15000 });
const textIs = (page, selector, want) =>
  page.waitForFunction(
    ([s, w]) => (document.querySelector(s)?.textContent || '').trim() === w,
    [selector, want],
    { timeout: 15000 }
  );

// Fills the form for `email`, asks for the code, reads it from the console delivery, and
// confirms with the password.
async function join(page, email) {
  await page.fill('#login', email);
  await page.fill('#first-name', 'Ann');
  await page.fill('#last-name', 'Lee');
  await page.click('#send-button');
  await shown(page, 'code');
  equal(await text(page, '#sent-text'), `We sent a code to ${email}. Enter it below, with a password.`, 'the code view');
  const { code } = await server.message(email, 'code');
  assert(/^\d{6}$/.test(code), `a six-digit code: ${code}`);
  await page.fill('#code', code);
  await page.fill('#password', PASSWORD);
  await page.click('#join-button');
}

async function run() {
  const ADMIN = { email: 'ada@acme.example', password: PASSWORD, first_name: 'Ada', last_name: 'Lovelace' };
  const acme = await server.signUp('Acme', ADMIN);
  const token = acme.access_token;
  const group = await server.expectStatus(201, 'POST', '/v1/workgroups', { name: 'Site', kind: 'project', allow_external: true }, token);
  const link = async (approval) =>
    (await server.expectStatus(201, 'POST', `/v1/workgroups/${group.id}/join-links`, { approval }, token)).url;

  await check('join page: a link without approval → the form, a code by email, a password → signed in', async () => {
    const url = await link('none');
    assert(url.startsWith(`${server.url}/join#code=`), `the link: ${url}`);
    const page = await newPage();
    await page.goto(url);
    await shown(page, 'form');
    equal(await text(page, '#form-title'), 'Join “Site” at Acme', 'the heading');
    assert(await page.locator('#approval-note').isHidden(), 'no approval note');
    assert(!page.url().includes('code='), `the code left the address bar: ${page.url()}`);
    await shot(page, 'join-form.png');
    await join(page, 'ann@client.example');
    await shown(page, 'welcome');
    equal(await text(page, '#welcome-text'), 'You are now a member of “Site” at Acme.', 'the welcome');
    // Signed in for real: the person logs in with the password given, as an external user.
    const login = await server.expectStatus(200, 'POST', '/v1/auth/login', { login: 'ann@client.example', password: PASSWORD, account_id: acme.account.id });
    const me = await server.expectStatus(200, 'GET', '/v1/me', undefined, login.access_token);
    equal(me.type, 'extranet', 'the new user\'s type');
    return shot(page, 'join-welcome.png');
  });

  await check('join page: a link that needs approval → "waits for approval"', async () => {
    const page = await newPage();
    await page.goto(await link('required'));
    await shown(page, 'form');
    assert(await page.locator('#approval-note').isVisible(), 'the approval note');
    await join(page, 'bob@client.example');
    await shown(page, 'waiting');
    equal(
      await text(page, '#waiting-text'),
      'Your request to join “Site” at Acme waits for approval. You can sign in once it is approved.',
      'the waiting message'
    );
    const requests = await server.expectStatus(200, 'GET', `/v1/workgroups/${group.id}/join-requests`, undefined, token);
    equal(requests.items[0].status, 'awaiting_approval', 'the request waits');
    return shot(page, 'join-waiting.png');
  });

  await check('join page: in German by Accept-Language; the switcher to French keeps the link', async () => {
    const page = await newPage('de-DE');
    await page.goto(await link('none'));
    await shown(page, 'form');
    equal(await page.evaluate(() => document.documentElement.lang), 'de', '<html lang>');
    equal(await text(page, '#form-title'), '„Site“ bei Acme beitreten', 'the heading');
    equal(await text(page, '#send-button'), 'Code senden', 'the button');
    await page.selectOption('#language', 'fr');
    await page.waitForURL(/[?&]lang=fr/, { timeout: 15000 });
    await shown(page, 'form');
    await textIs(page, '#form-title', 'Rejoindre « Site » chez Acme');
    equal(await page.title(), 'Rejoindre un groupe de travail', 'the title');
    return shot(page, 'join-fr.png');
  });

  await check('join page: a dead link → "no longer valid"', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/join#code=${'x'.repeat(43)}`);
    await shown(page, 'problem');
    equal(await text(page, '#problem-title'), 'This join link is no longer valid', 'the heading');
    return shot(page, 'join-dead.png');
  });

  await check('join page: no console errors or CSP violations', async () => {
    assert(errors.length === 0, errors.join('\n'));
  });
}

await outline(async (started) => {
  server = await startServer(bin);
  started(() => server.stop());
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
  started(() => browser.close());
}, run);
