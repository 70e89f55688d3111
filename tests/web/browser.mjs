// Browser tests: Swagger UI at /docs, the accept page at /accept, the reset-password page at
// /reset-password, and pages on other origins calling the API (CORS), in Debian's chromium
// (playwright-core, no browser download), against a server this script starts itself.
// One line per check (`ok - …` / `not ok - …`), screenshots in target/browser/, and a
// non-zero exit when any check failed.
//   node tests/web/browser.mjs      (EXTRANET_BIN: the binary, default target/debug/extranet)
import { chromium } from 'playwright-core';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFrontend, startServer } from './server.mjs';
import { assert, check, equal, outline, shot, watch } from './checks.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = resolve(process.env.EXTRANET_BIN || resolve(root, 'target/debug/extranet'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));



let server;
let browser;
// Two frontends on origins of their own: the server lists the first in EXTRANET_CORS_ORIGINS.
let listedFrontend;
let unlistedFrontend;

// Every page's console errors, uncaught exceptions and CSP violations (`watch`).
const pageErrors = [];
async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, ...options });
  const page = await context.newPage();
  const errors = [];
  await watch(page, (line) => errors.push(line));
  page.errors = errors;
  page.done = async (allowed) => {
    const bad = errors.filter((e) => !(allowed && allowed.test(e)));
    pageErrors.push(...bad.map((e) => `${page.url()}: ${e}`));
    await context.close();
    assert(bad.length === 0, `the page reported errors:\n${bad.join('\n')}`);
  };
  return page;
}
const text = async (page, selector) => ((await page.locator(selector).textContent()) || '').trim();
const visible = (page, view) => page.locator(`#view-${view}`).waitFor({ state: 'visible', timeout: 10000 });
const focused = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

async function openLink(page, link, view) {
  await page.goto(link);
  await visible(page, view);
}
async function expectNoLongerValid(page) {
  await visible(page, 'problem');
  equal(await text(page, '#problem-title'), 'This invitation link is no longer valid', 'problem title');
  assert((await text(page, '#problem-next')).includes('send the invitation again'), 'asks to have it sent again');
  equal(await focused(page), 'problem-title', 'focus');
}

async function run() {
  // ---------------------------------------------------------------- the people and accounts

  const ADMIN = { email: 'ada@acme.example', password: 'correct horse battery', first_name: 'Ada', last_name: 'Lovelace' };
  const acme = await server.signUp('Acme Web Agency', ADMIN);
  const adminToken = acme.access_token;

  // ---------------------------------------------------------------- Swagger UI at /docs

  await check('docs: /docs (as README and API.md give it) opens Swagger UI', async () => {
    const page = await newPage();
    const res = await page.goto(`${server.url}/docs`);
    const status = res.status();
    await closeDocs(page);
    equal(status, 200, 'GET /docs');
  });

  await check('docs: as QA meets it — the person\'s token first in Authorize, saying where it comes from; plain one-line summaries; an optional header shown as its type', async () => {
    const page = await newPage();
    try {
      await page.goto(`${server.url}/docs/`);
      await page.locator('.swagger-ui .auth-wrapper button.authorize').click();
      const schemes = page.locator('.swagger-ui .dialog-ux .modal-ux .auth-container');
      await schemes.first().waitFor();
      const names = (await schemes.locator('h4 code').allTextContents()).map((t) => t.trim());
      equal(names.join(', '), 'bearer, api_token', 'the schemes, in order');
      const bearer = (await schemes.first().textContent()) || '';
      assert(bearer.includes('POST /v1/auth/login') && bearer.includes('access_token'), `bearer says where its token comes from: ${bearer.slice(0, 200)}`);
      const apiToken = (await schemes.nth(1).textContent()) || '';
      assert(apiToken.includes('POST /v1/api-tokens'), 'api_token says where its token comes from');
      const file = await shot(page, 'docs-authorize.png', false);
      await page.locator('.swagger-ui .dialog-ux .modal-ux button.btn-done').first().click();
      const signUp = page.locator('.opblock-post').filter({ has: page.locator('.opblock-summary-path[data-path="/v1/accounts"]') });
      equal(((await signUp.locator('.opblock-summary-description').textContent()) || '').trim(), 'Sign up', 'POST /v1/accounts summary');
      const summaries = await page.locator('.opblock-summary-description').allTextContents();
      assert(summaries.length > 50 && summaries.every((t) => !t.includes('`') && !t.includes('\n')), 'every summary plain, on one line');
      const invite = page.locator('.opblock-post').filter({ has: page.locator('.opblock-summary-path[data-path="/v1/invitations"]') });
      await invite.locator('.opblock-summary').first().click();
      const keyType = invite.locator('tr[data-param-name="Idempotency-Key"] .parameter__type');
      await keyType.waitFor();
      equal(((await keyType.textContent()) || '').trim(), 'string', 'the Idempotency-Key header\'s type');
      return file;
    } finally {
      await closeDocs(page);
    }
  });

  {
    const page = await newPage();
    const dialog = page.locator('.swagger-ui .dialog-ux .modal-ux');
    // Two http bearer schemes: `bearer` (access tokens, a JWT) and `api_token` (ext_…).
    const scheme = dialog.locator('.auth-container').filter({ has: page.locator('h4 code', { hasText: /^bearer$/ }) });
    const op = page.locator('.opblock-post').filter({
      has: page.locator('.opblock-summary-path[data-path="/v1/invitations"]'),
    });
    let authorized = false;
    await check('docs: Authorize with the bearer token, POST /v1/invitations with its example → 201', async () => {
      await page.goto(`${server.url}/docs/`);
      await page.locator('.swagger-ui .auth-wrapper button.authorize').click();
      await scheme.locator('input').first().fill(adminToken);
      await scheme.locator('button.authorize').click();
      await scheme.locator('button', { hasText: 'Logout' }).waitFor();
      authorized = true;
      await scheme.locator('button.btn-done').click();
      await dialog.waitFor({ state: 'detached' });
      await op.locator('.opblock-summary').first().click();
      await op.locator('button.try-out__btn').click();
      await op.locator('button.execute').click();
      const status = op.locator('.live-responses-table .response .response-col_status').first();
      await status.waitFor({ timeout: 15000 });
      const shown = (await status.textContent()).trim();
      await op.locator('.live-responses-table').scrollIntoViewIfNeeded();
      const file = await shot(op.locator('.live-responses-table').first(), 'docs-execute.png');
      assert(/^\d{3}$/.test(shown), `a response code is shown: ${shown}`);
      const body = (await op.locator('.live-responses-table .response-col_description pre').first().textContent()) || '';
      equal(shown, '201', `the response code shown (body: ${body.replace(/\s+/g, ' ').slice(0, 160)})`);
      return file;
    });
    await check('docs: the authorization is still there after a reload', async () => {
      assert(authorized, 'the previous check did not get as far as authorizing');
      await page.reload();
      await page.locator('.swagger-ui .auth-wrapper button.authorize').click();
      await scheme.waitFor();
      const file = await shot(page, 'docs-reload.png', false);
      const logout = await scheme.locator('button', { hasText: 'Logout' }).count();
      assert(logout > 0, 'after a reload the bearer scheme is not authorized (persistAuthorization is off)');
      return file;
    });
    await closeDocs(page);
  }
  async function closeDocs(page) {
    // Swagger UI is not the page under the strict policy: its console is reported, not failed.
    if (page.errors.length) console.log(`  # /docs console: ${page.errors.join(' | ')}`);
    await page.context().close();
  }

  // ---------------------------------------------------------------- the accept page

  await check('accept page: a link without its token → "incomplete" message', async () => {
    const page = await newPage();
    const res = await page.goto(`${server.url}/accept`);
    const csp = res.headers()['content-security-policy'] || '';
    assert(csp.includes("script-src 'self'") && csp.includes("default-src 'none'"), `strict CSP header: ${csp}`);
    await visible(page, 'problem');
    equal(await text(page, '#problem-title'), 'This invitation link is incomplete', 'problem title');
    assert((await text(page, '#problem-next')).includes('Copy the whole link'), 'tells to copy the whole link');
    equal(await focused(page), 'problem-title', 'focus');
    const file = await shot(page, 'accept-incomplete.png');
    await page.done();
    return file;
  });

  await check('accept page: an unknown token → "no longer valid"', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/accept#token=${'x'.repeat(43)}`);
    await expectNoLongerValid(page);
    const file = await shot(page, 'accept-unknown.png');
    await page.done();
    return file;
  });

  const BOB = { email: 'bob@client.example', first_name: 'Bob', last_name: 'Stone' };
  const bob = await server.invite(adminToken, BOB, 'Client website', 'Hi Bob,\nthis is where we share the designs.');
  const page = await newPage();

  await check('accept page: shows account, project, inviter, invitee, message and expiry', async () => {
    assert(bob.link.startsWith(`${server.url}/accept#token=`), `the link: ${bob.link}`);
    await openLink(page, bob.link, 'invitation');
    assert(!page.url().includes('#'), `the token is gone from the address bar: ${page.url()}`);
    equal(await text(page, '#account-name'), 'Acme Web Agency', 'account');
    equal(await text(page, '#workgroup-kind'), 'Project', 'workgroup kind');
    equal(await text(page, '#workgroup-name'), 'Client website', 'workgroup');
    equal(await text(page, '#inviter-name'), 'Ada Lovelace', 'inviter');
    equal(await text(page, '#invitee-name'), 'Bob Stone', 'invitee');
    equal(await text(page, '#invitee-login'), 'bob@client.example', 'login');
    assert((await text(page, '#inviter-message')).startsWith('Hi Bob,'), 'message');
    assert((await text(page, '#expires-at')).length > 5, 'expiry shown');
    equal(await page.inputValue('#first-name'), 'Bob', 'first name prefilled');
    equal(await page.inputValue('#last-name'), 'Stone', 'last name prefilled');
    equal(await text(page, '#password-label'), 'Choose a password', 'password label');
    equal(await focused(page), 'invitation-title', 'focus');
    return shot(page, 'accept-invitation.png');
  });

  await check('accept page: fits a phone screen (375 px, no sideways scrolling)', async () => {
    const phone = await newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await openLink(phone, bob.link, 'invitation');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `wider than the screen by ${overflow} px`);
    const file = await shot(phone, 'accept-invitation-phone.png');
    await phone.done();
    return file;
  });

  await check('accept page: field errors next to their fields (checked here, and the server\'s 422)', async () => {
    await page.fill('#first-name', '  ');
    await page.fill('#password', 'short');
    await page.click('#accept-button');
    equal(await text(page, '#first-name-error'), 'Enter your first name.', 'first name error');
    equal(await text(page, '#password-error'), 'A password needs at least 8 characters.', 'password error');
    equal(await page.getAttribute('#first-name', 'aria-invalid'), 'true', 'aria-invalid');
    equal(await focused(page), 'first-name', 'focus on the first invalid field');
    await page.fill('#first-name', 'Bob');
    await page.fill('#password', 'aaaaaaaaaa'); // long enough here, refused by the server
    await page.click('#accept-button');
    await page.locator('#password-error:not(:empty)').waitFor();
    equal(await text(page, '#password-error'), 'A password must not be one character repeated.', 'server message');
    await page.click('#toggle-password');
    equal(await page.getAttribute('#password', 'type'), 'text', 'Show shows the password');
    equal(await page.getAttribute('#toggle-password', 'aria-label'), 'Hide password', 'the button says what it does');
    equal(await text(page, '#first-name-error'), '', 'first name error cleared');
    assert((await text(page, '#form-error')).length > 0, 'the live region says something');
    return shot(page, 'accept-field-errors.png');
  });

  await check('accept page: accept → welcome; one request however often it is submitted', async () => {
    // The request is held until the page has been tried again meanwhile.
    let calls = 0;
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/v1/invitations/accept', async (route) => {
      calls += 1;
      await held;
      await route.continue();
    });
    await page.fill('#password', 'correct horse battery');
    await page.click('#accept-button');
    assert(await page.locator('#accept-button').isDisabled(), 'Accept is disabled while the request runs');
    assert(await page.locator('#decline-button').isDisabled(), 'Decline is disabled while the request runs');
    await page.press('#password', 'Enter');
    await page.locator('#accept-button').click({ force: true, timeout: 1000 }).catch(() => {});
    release();
    await visible(page, 'welcome');
    equal(calls, 1, 'accept requests');
    equal(await text(page, '#welcome-title'), 'Welcome, Bob!', 'welcome');
    assert((await text(page, '#welcome-text')).includes('You joined Acme Web Agency'), 'joined the account');
    assert((await text(page, '#welcome-next')).includes('bob@client.example'), 'says how to sign in');
    assert((await text(page, '#welcome-app')).includes('does not know the address of the app'), 'no app address: said plainly');
    equal(await page.locator('#welcome-app a').count(), 0, 'no link without EXTRANET_APP_URL');
    equal(await focused(page), 'welcome-title', 'focus');
    const stored = await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length);
    equal(stored, 0, 'nothing stored in the browser');
    return shot(page, 'accept-welcome.png');
  });

  await check('API: GET /v1/users?type=extranet lists the new external user', async () => {
    const users = await server.expectStatus(200, 'GET', '/v1/users?type=extranet', undefined, adminToken);
    const found = users.items.find((u) => u.email === BOB.email);
    assert(found, `bob in ${JSON.stringify(users.items.map((u) => u.email))}`);
    equal(found.type, 'extranet', 'type');
    equal(found.status, 'active', 'status');
    equal(`${found.first_name} ${found.last_name}`, 'Bob Stone', 'names');
  });

  await page.done();

  await check('accept page: the used link → "no longer valid"', async () => {
    const p = await newPage();
    await p.goto(bob.link);
    await expectNoLongerValid(p);
    const file = await shot(p, 'accept-used.png');
    await p.done();
    return file;
  });

  await check('accept page: a link handed over with `delivery: none` (no message sent) opens and accepts', async () => {
    const DEE = { phone: '+14155550777', first_name: 'Dee', last_name: 'Park' };
    const made = await server.expectStatus(201, 'POST', '/v1/invitations', {
      type: 'extranet',
      workgroup: { name: 'Handed over', kind: 'project' },
      delivery: 'none',
      invitees: [DEE],
    }, adminToken);
    const { link } = made.results[0];
    assert(link && link.startsWith(`${server.url}/accept#token=`), `the answer's link: ${link}`);
    const p = await newPage();
    await openLink(p, link, 'invitation');
    equal(await text(p, '#workgroup-name'), 'Handed over', 'workgroup');
    equal(await text(p, '#invitee-login'), DEE.phone, 'login');
    await p.fill('#password', 'correct horse battery');
    await p.click('#accept-button');
    await visible(p, 'welcome');
    equal(await text(p, '#welcome-title'), 'Welcome, Dee!', 'welcome');
    const file = await shot(p, 'accept-handed-over.png');
    await p.done();
    return file;
  });

  await check('accept page: markup in names, the project and the message is shown as text, never run', async () => {
    const markup = '<img src=x onerror="window.__pwned=1">';
    const mallory = await server.invite(
      adminToken,
      { email: 'mallory@client.example', first_name: `<b>Mal</b>`, last_name: markup },
      `Site <script>window.__pwned=1</script>`,
      `Hello ${markup}<script>window.__pwned=1</script>`,
    );
    const p = await newPage();
    await openLink(p, mallory.link, 'invitation');
    equal(await text(p, '#invitee-name'), `<b>Mal</b> ${markup}`, 'the names, as typed');
    equal(await text(p, '#workgroup-name'), 'Site <script>window.__pwned=1</script>', 'the project, as typed');
    assert((await text(p, '#inviter-message')).includes(markup), 'the message, as typed');
    equal(await p.locator('main img, main script, main b').count(), 0, 'no element made from the text');
    equal(await p.evaluate(() => window.__pwned ?? null), null, 'nothing ran');
    const file = await shot(p, 'accept-markup.png');
    await p.done();
    return file;
  });

  await check('accept page: Decline asks first, then "you declined"; the link is dead after', async () => {
    const carol = await server.invite(adminToken, { email: 'carol@client.example', first_name: 'Carol', last_name: 'Diaz' }, 'Brand refresh');
    const p = await newPage();
    await openLink(p, carol.link, 'invitation');
    await p.click('#decline-button');
    await p.locator('#decline-confirm').waitFor({ state: 'visible' });
    equal(await focused(p), 'decline-question', 'focus on the question');
    assert(await p.locator('#accept-form').isHidden(), 'the form is out of the way');
    await shot(p, 'accept-decline-confirm.png');
    await p.click('#decline-no');
    await p.locator('#accept-form').waitFor({ state: 'visible' });
    equal(await focused(p), 'decline-button', 'focus back on Decline');
    await p.click('#decline-button');
    await p.click('#decline-yes');
    await visible(p, 'declined');
    equal(await focused(p), 'declined-title', 'focus');
    assert((await text(p, '#declined-text')).includes('Acme Web Agency'), 'names the account');
    const file = await shot(p, 'accept-declined.png');
    const stored = await server.expectStatus(200, 'GET', `/v1/invitations/${carol.invitation.id}`, undefined, adminToken);
    equal(stored.status, 'declined', 'the invitation');
    await p.goto(carol.link); // the same document: only the fragment changes
    await expectNoLongerValid(p);
    await shot(p, 'accept-declined-reopened.png');
    await p.done();
    return file;
  });

  const globex = await server.signUp('Globex', { email: 'gus@globex.example', password: 'another good one', first_name: 'Gus', last_name: 'Grey' });
  const bobAgain = await server.invite(globex.access_token, BOB, 'Supply chain');
  const p = await newPage();

  await check('accept page: an existing profile gives its own password (401 shown at the field)', async () => {
    await openLink(p, bobAgain.link, 'invitation');
    equal(await text(p, '#password-label'), 'Password of your existing profile', 'password label');
    assert(await p.locator('#first-name').isHidden(), 'no names asked');
    equal(await p.getAttribute('#password', 'autocomplete'), 'current-password', 'autocomplete');
    await shot(p, 'accept-existing.png');
    // By keyboard: from the heading, Tab reaches the password; Enter submits.
    await p.keyboard.press('Tab');
    equal(await focused(p), 'password', 'Tab from the heading');
    await p.keyboard.type('not my password');
    await p.keyboard.press('Enter');
    await p.locator('#password-error:not(:empty)').waitFor();
    assert((await text(p, '#password-error')).includes('not the password of your existing profile'), 'wrong password message');
    equal(await focused(p), 'password', 'focus on the password');
    return shot(p, 'accept-existing-wrong.png');
  });

  // The server runs with EXTRANET_LOGIN_FAILURE_BURST=2 and _INTERVAL_SECONDS=3 (server.mjs).
  await check('accept page: too many wrong passwords → 429, the wait shown; after it the right one works', async () => {
    let shown = '';
    for (let i = 0; i < 6 && !shown.startsWith('Too many attempts'); i += 1) {
      await p.fill('#password', `wrong password ${i}`);
      await p.click('#accept-button');
      await p.locator('#form-error:not(:empty)').waitFor();
      shown = await text(p, '#form-error');
    }
    const seconds = Number((/wait (\d+) seconds?/.exec(shown) || [])[1]);
    assert(seconds >= 1 && seconds <= 3, `the Retry-After seconds are shown: ${shown}`);
    assert(await p.locator('#accept-button').isEnabled(), 'Accept usable again');
    const file = await shot(p, 'accept-rate-limited.png');
    await sleep(seconds * 1000 + 300);
    await p.fill('#password', 'correct horse battery');
    await p.click('#accept-button');
    await visible(p, 'welcome');
    equal(await text(p, '#welcome-title'), 'Welcome, Bob!', 'welcome');
    assert((await text(p, '#welcome-text')).includes('Globex'), 'joined Globex');
    await shot(p, 'accept-existing-welcome.png');
    await p.done();
    return file;
  });

  const ERIN = { email: 'erin@partner.example', first_name: 'Erin', last_name: 'Hale' };
  const erin = await server.invite(adminToken, ERIN, 'Partner portal');

  await check('accept page: a 409 shows the server\'s detail (the domain was ruled out after inviting)', async () => {
    await server.expectStatus(200, 'PATCH', '/v1/account', { external_domains: { deny: ['partner.example'] } }, adminToken);
    const p = await newPage();
    try {
      await openLink(p, erin.link, 'invitation');
      await p.fill('#password', 'correct horse battery');
      await p.click('#accept-button');
      await p.locator('#form-error:not(:empty)').waitFor();
      const shown = await text(p, '#form-error');
      assert(/partner\.example|domain/i.test(shown), `detail shown: ${shown}`);
      assert(await p.locator('#view-invitation').isVisible(), 'still on the form');
      const file = await shot(p, 'accept-conflict.png');
      await p.done();
      return file;
    } finally {
      await server.expectStatus(200, 'PATCH', '/v1/account', { external_domains: null }, adminToken);
    }
  });

  await check('accept page: the server unreachable → "try again", and Try again works', async () => {
    const p = await newPage();
    await p.route('**/v1/invitations/lookup', (route) => route.abort('internetdisconnected'));
    await p.goto(erin.link);
    await visible(p, 'problem');
    assert((await text(p, '#problem-text')).includes('could not reach the server'), 'network message');
    assert(await p.locator('#retry-button').isVisible(), 'a Try again button');
    const file = await shot(p, 'accept-offline.png');
    await p.unroute('**/v1/invitations/lookup');
    await p.click('#retry-button');
    await visible(p, 'invitation');
    equal(await text(p, '#invitee-name'), 'Erin Hale', 'the invitation after trying again');
    await p.done(/ERR_INTERNET_DISCONNECTED/);
    return file;
  });

  // Time passes as it does for a server: a second server on the same database, its clock
  // eight days ahead (libfaketime, Debian's `faketime`), past the invitation's seven. Last:
  // that server's upkeep marks the shared database's invitations expired.
  await check('accept page: an expired invitation (a real 410 invitation_expired) → "expired"', async () => {
    const later = await startServer(bin, { beside: server, wrapper: ['faketime', '+8 days'] });
    try {
      const p = await newPage();
      await p.goto(erin.link.replace(server.url, later.url));
      await visible(p, 'problem');
      equal(await text(p, '#problem-title'), 'This invitation has expired', 'problem title');
      assert((await text(p, '#problem-next')).includes('send the invitation again'), 'asks to have it sent again');
      const file = await shot(p, 'accept-expired.png');
      await p.done(/status of 410/);
      return file;
    } finally {
      await later.stop();
    }
  });

  // ---------------------------------------------------------------- a frontend on another origin

  // What a single-page app does: a bearer token and a JSON body, so the browser asks first
  // (a CORS preflight). Run in the page, from its own origin.
  const callFromPage = (page, path, token, body) =>
    page.evaluate(
      async ({ url, token, body }) => {
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          });
          return { status: res.status, body: await res.json(), requestId: res.headers.get('X-Request-Id') };
        } catch (e) {
          return { error: `${e.name}: ${e.message}` };
        }
      },
      { url: `${server.url}${path}`, token, body }
    );
  // The preflights the server answered with `status` so far (its own count, on /metrics).
  const preflights = async (status) => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('http_requests_total{') && l.includes('method="OPTIONS"') && l.includes(`status="${status}"`))
      .reduce((n, l) => n + Number(l.trim().split(/\s+/).pop()), 0);
  };
  const workgroupNamed = async (name) => {
    const list = await server.expectStatus(200, 'GET', `/v1/workgroups?limit=200`, undefined, adminToken);
    return list.items.find((g) => g.name === name);
  };

  await check('CORS: a page on a listed origin (another port) calls the API with a token and a JSON body, and reads the answers', async () => {
    const p = await newPage();
    await p.goto(listedFrontend.origin);
    const before = await preflights(204);
    const created = await callFromPage(p, '/v1/workgroups', adminToken, { name: 'Made by the frontend', kind: 'project', allow_external: true });
    equal(created.error, undefined, 'fetch');
    equal(created.status, 201, 'POST /v1/workgroups from the page');
    equal(created.body.name, 'Made by the frontend', 'the body, read by the page');
    assert(created.requestId, 'X-Request-Id is readable (exposed)');
    assert((await preflights(204)) > before, 'the browser sent a preflight, and it was allowed');
    // A refusal is readable too: the problem's code and fields.
    const refused = await callFromPage(p, '/v1/workgroups', adminToken, { name: '', kind: 'project' });
    equal(refused.status, 422, 'an invalid body');
    equal(refused.body.code, 'validation_failed', 'the problem, read by the page');
    assert((await workgroupNamed('Made by the frontend')) !== undefined, 'the workgroup exists');
    await p.done();
    return `preflight 204, then 201 and 422 read from ${listedFrontend.origin}`;
  });

  await check('CORS: the same call from a page on an unlisted origin is blocked: fetch rejects, nothing is done', async () => {
    const p = await newPage();
    await p.goto(unlistedFrontend.origin);
    const before = await preflights(400);
    const blocked = await callFromPage(p, '/v1/workgroups', adminToken, { name: 'Made by a stranger', kind: 'project' });
    assert(blocked.error && blocked.error.startsWith('TypeError'), `fetch must reject, got ${JSON.stringify(blocked)}`);
    assert((await preflights(400)) > before, 'its preflight reached the server and was refused');
    equal(await workgroupNamed('Made by a stranger'), undefined, 'a workgroup made anyway');
    await p.done(/CORS policy|Failed to load resource: net::ERR_FAILED/);
    return blocked.error;
  });

  // ---------------------------------------------------------------- the reset-password page

  const RITA = { email: 'rita@acme.example', password: 'correct horse battery', first_name: 'Rita', last_name: 'Moss' };
  const rita = await server.signUp('Rita & Co', RITA);
  const NEW_PASSWORD = 'a fresh start passphrase';
  const reset = await newPage();

  await check('reset page: a strict policy; starts at the login, by keyboard; an empty login is named', async () => {
    const res = await reset.goto(`${server.url}/reset-password`);
    const csp = res.headers()['content-security-policy'] || '';
    assert(csp.includes("script-src 'self'") && csp.includes("default-src 'none'"), `strict CSP header: ${csp}`);
    await visible(reset, 'request');
    equal(await focused(reset), 'login', 'focus on the login');
    await reset.keyboard.press('Enter');
    await reset.locator('#login-error:not(:empty)').waitFor();
    equal(await text(reset, '#login-error'), 'Enter your email address or phone number.', 'login error');
    equal(await reset.getAttribute('#login', 'aria-invalid'), 'true', 'aria-invalid');
    return shot(reset, 'reset-request.png');
  });

  await check('reset page: asking for a code → "on its way", then the code field', async () => {
    await reset.keyboard.type(` ${RITA.email.toUpperCase()} `);
    await reset.keyboard.press('Enter');
    await visible(reset, 'code');
    equal(await focused(reset), 'code', 'focus on the code');
    const sent = await text(reset, '#sent-text');
    assert(sent.includes(`If ${RITA.email} belongs to a profile, a code is on its way`), `sent message: ${sent}`);
    return shot(reset, 'reset-code.png');
  });

  const message = await server.message(RITA.email, 'code');

  await check('reset page: a wrong code and a weak password are each told plainly', async () => {
    assert(/^\d{6}$/.test(message.code), `a six-digit code printed: ${JSON.stringify(message)}`);
    assert(message.link === `${server.url}/reset-password#login=${RITA.email}`, `the message links to the page: ${message.link}`);
    await reset.fill('#code', message.code);
    await reset.fill('#new-password', 'zzzzzzzzzz'); // long enough here, refused by the server
    await reset.click('#reset-button');
    await reset.locator('#new-password-error:not(:empty)').waitFor();
    equal(await text(reset, '#new-password-error'), 'A password must not be one character repeated.', 'server message');
    const wrong = message.code === '000000' ? '111111' : '000000';
    await reset.fill('#code', wrong);
    await reset.fill('#new-password', NEW_PASSWORD);
    await reset.click('#reset-button');
    await reset.locator('#code-error:not(:empty)').waitFor();
    assert((await text(reset, '#code-error')).includes('not right, or it has expired'), 'wrong code message');
    equal(await focused(reset), 'code', 'focus on the code');
    await reset.click('#toggle-password');
    equal(await reset.getAttribute('#new-password', 'type'), 'text', 'Show shows the password');
    return shot(reset, 'reset-wrong-code.png');
  });

  await check('reset page: fits a phone screen (375 px, no sideways scrolling)', async () => {
    const phone = await newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await phone.goto(message.link);
    await visible(phone, 'code');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `wider than the screen by ${overflow} px`);
    assert(!phone.url().includes('#'), `the fragment is gone: ${phone.url()}`);
    assert((await text(phone, '#sent-text')).includes(RITA.email), 'the link opened at the code for its login');
    const file = await shot(phone, 'reset-code-phone.png');
    await phone.done();
    return file;
  });

  await check('reset page: the right code and a new password → "done"; then the API takes the new password only', async () => {
    await reset.fill('#code', message.code);
    await reset.fill('#new-password', NEW_PASSWORD);
    await reset.press('#new-password', 'Enter');
    await visible(reset, 'done');
    equal(await focused(reset), 'done-title', 'focus');
    assert((await text(reset, '#done-text')).includes('signed out'), 'says the sessions ended');
    assert((await text(reset, '#done-app')).includes('does not know the address of the app'), 'no app address: said plainly');
    const file = await shot(reset, 'reset-done.png');
    const stored = await reset.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length);
    equal(stored, 0, 'nothing stored in the browser');
    equal((await server.request('GET', '/v1/me', undefined, rita.access_token)).status, 401, 'the sign-up session ended');
    equal((await server.request('POST', '/v1/auth/login', { login: RITA.email, password: RITA.password })).status, 401, 'the old password');
    const login = await server.expectStatus(200, 'POST', '/v1/auth/login', { login: RITA.email, password: NEW_PASSWORD });
    assert(login.access_token && login.refresh_token, 'tokens for the new password');
    await reset.done();
    return file;
  });

  await check('reset page: too many wrong codes → the wait is shown', async () => {
    const p = await newPage();
    await p.goto(`${server.url}/reset-password#login=nobody@acme.example`);
    await visible(p, 'code');
    let shown = '';
    for (let i = 0; i < 8 && !shown.startsWith('Too many tries'); i += 1) {
      await p.fill('#code', String(100000 + i));
      await p.fill('#new-password', NEW_PASSWORD);
      await p.click('#reset-button');
      await p.locator('#reset-error:not(:empty)').waitFor();
      shown = await text(p, '#reset-error');
    }
    assert(/^Too many tries\. Please wait \d+ seconds?/.test(shown), `the wait is shown: ${shown}`);
    assert(await p.locator('#reset-button').isEnabled(), 'usable again');
    const file = await shot(p, 'reset-rate-limited.png');
    await p.done();
    return file;
  });

  await check('reset page and accept page: with EXTRANET_APP_URL, "done" and "welcome" link to the app', async () => {
    const appUrl = 'http://127.0.0.1:5173/portal';
    const other = await startServer(bin, { env: { EXTRANET_APP_URL: appUrl } });
    try {
      await other.signUp('Acme Web Agency', ADMIN);
      await other.expectStatus(202, 'POST', '/v1/auth/password-reset', { login: ADMIN.email });
      const { code, link } = await other.message(ADMIN.email, 'code');
      const p = await newPage();
      await p.goto(link);
      await visible(p, 'code');
      await p.fill('#code', code);
      await p.fill('#new-password', NEW_PASSWORD);
      await p.click('#reset-button');
      await visible(p, 'done');
      equal(await p.getAttribute('#done-app a', 'href'), appUrl, 'the app link on "done"');
      const file = await shot(p, 'reset-done-app-link.png');
      await p.done();
      const admin = await other.expectStatus(200, 'POST', '/v1/auth/login', { login: ADMIN.email, password: NEW_PASSWORD });
      const dan = await other.invite(admin.access_token, { email: 'dan@client.example', first_name: 'Dan', last_name: 'Ray' }, 'Site');
      const a = await newPage();
      await openLink(a, dan.link, 'invitation');
      await a.fill('#password', 'correct horse battery');
      await a.click('#accept-button');
      await visible(a, 'welcome');
      equal(await a.getAttribute('#welcome-app a', 'href'), appUrl, 'the app link on "welcome"');
      await shot(a, 'accept-welcome-app-link.png');
      await a.done();
      return file;
    } finally {
      await other.stop();
    }
  });

  await check('pages: no console errors or CSP violations on any page', async () => {
    assert(pageErrors.length === 0, pageErrors.join('\n'));
  });
}

await outline(async (started) => {
  listedFrontend = await startFrontend('A frontend the API lists');
  started(() => listedFrontend.stop());
  unlistedFrontend = await startFrontend('A frontend it does not');
  started(() => unlistedFrontend.stop());
  server = await startServer(bin, { env: { EXTRANET_CORS_ORIGINS: listedFrontend.origin } });
  started(() => server.stop());
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
  started(() => browser.close());
}, run);
