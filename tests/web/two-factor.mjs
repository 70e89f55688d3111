// Browser tests of two-step authentication (issue #31) in Debian's chromium (playwright-core,
// no browser download), against a server this script starts itself. Each profile turns it on
// through the API, and the script is its authenticator app: TOTP codes (RFC 6238: HMAC-SHA1,
// 6 digits, 30 s) computed here from the secret the server gave. A code is taken once, and only
// of a later step than the last one taken: when a profile needs a second one, the script waits
// for the wall clock's next step (polled, with a deadline), or gives a recovery code.
// Swagger UI at /docs: a login answered 202 with a challenge, the challenge answered with a code,
// the token authorized, GET /v1/me 200 — all through "Try it out". The accept page and the join
// page: the password, then the code asked for; a wrong code told plainly; too many → the wait.
// The reset-password page says two-step stays on, and who to ask when everything is lost.
// One line per check, screenshots in target/browser/.
//   node tests/web/two-factor.mjs      (EXTRANET_BIN: the binary, default target/debug/extranet)
import { chromium } from 'playwright-core';
import { createHmac } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { assert, check, equal, outline, shot, watch, watchedPage } from './checks.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = resolve(process.env.EXTRANET_BIN || resolve(root, 'target/debug/extranet'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'correct horse battery';

// ---------------------------------------------------------------- an authenticator app

const STEP_SECONDS = 30;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

// The bytes of a base32 text (RFC 4648, padding optional).
function base32(text) {
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const i = BASE32.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// HOTP (RFC 4226) of `key` at `counter`, `digits` long: what TOTP computes at a step.
function hotp(key, counter, digits = 6) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const at = mac[mac.length - 1] & 0x0f;
  const number = ((mac[at] & 0x7f) << 24) | (mac[at + 1] << 16) | (mac[at + 2] << 8) | mac[at + 3];
  return String(number % 10 ** digits).padStart(digits, '0');
}

// The step the server's clock is in (`/dev/clock`: the console delivery serves the development
// tools), and its time in seconds.
async function serverNow() {
  const clock = await server.expectStatus(200, 'GET', '/dev/clock');
  const seconds = Date.parse(clock.now) / 1000;
  return { seconds, step: Math.floor(seconds / STEP_SECONDS) };
}

// One profile's app: its secret, the last step whose code the server took, its recovery codes.
class Authenticator {
  constructor(secret) {
    this.key = base32(secret);
    this.usedStep = -1;
    this.recoveryCodes = [];
  }

  // A code the server takes now: of the step the server's clock is in, once that step is later
  // than the last one used — the server's clock is moved to the start of the next step (plus a
  // second) rather than waited for.
  async code() {
    let now = await serverNow();
    if (now.step <= this.usedStep) {
      const advance = Math.ceil((this.usedStep + 1) * STEP_SECONDS - now.seconds) + 1;
      await server.expectStatus(200, 'POST', '/dev/clock', { advance_seconds: advance });
      now = await serverNow();
    }
    this.usedStep = now.step;
    return hotp(this.key, this.usedStep);
  }

  // Six digits that are no code of the steps around the server's now (it takes one step either
  // side).
  async wrongCode() {
    const { step } = await serverNow();
    const near = new Set([-2, -1, 0, 1, 2].map((d) => hotp(this.key, step + d)));
    for (let n = 123456; ; n += 1) if (!near.has(String(n))) return String(n);
  }
}

let browser;
let server;
const errors = [];
const newPage = (language = 'en-US') => watchedPage(browser, errors, { locale: language });
const text = async (page, selector) => ((await page.locator(selector).textContent()) || '').trim();
const shown = (page, view) => page.locator(`#view-${view}`).waitFor({ state: 'visible', timeout: 15000 });
const focused = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

// Clicks `button` and waits for the page's POST to `path` and for the page to have handled its
// answer (its buttons usable again); answers the HTTP status.
async function send(page, button, path) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(path) && r.request().method() === 'POST', { timeout: 15000 }),
    page.click(button),
  ]);
  await page.waitForFunction((b) => !document.querySelector(b).disabled, button, { timeout: 15000 });
  return response.status();
}

// Two-step authentication switched on through the API, as a profile's own app would: a secret,
// then its first code; answers the app, with the recovery codes.
async function turnOn(token) {
  const secret = await server.expectStatus(201, 'POST', '/v1/network/profile/two-factor', { current_password: PASSWORD }, token);
  equal(`${secret.algorithm} ${secret.digits} ${secret.period}`, 'SHA1 6 30', 'the secret\'s parameters');
  assert(secret.otpauth_uri.includes(`secret=${secret.secret}`), `the URI carries the secret: ${secret.otpauth_uri}`);
  const app = new Authenticator(secret.secret);
  const done = await server.expectStatus(200, 'POST', '/v1/network/profile/two-factor/confirm', { code: await app.code() }, token);
  equal(done.recovery_codes.length, 10, 'recovery codes');
  app.recoveryCodes = [...done.recovery_codes];
  const status = await server.expectStatus(200, 'GET', '/v1/network/profile/two-factor', undefined, token);
  assert(status.enabled === true, `two-step is on: ${JSON.stringify(status)}`);
  return app;
}

// A person with a profile of their own (an account they signed up), two-step on.
async function personWithTwoStep(account, email, first_name) {
  const signedUp = await server.signUp(account, { email, password: PASSWORD, first_name, last_name: 'Lee' });
  return { email, first_name, token: signedUp.access_token, app: await turnOn(signedUp.access_token) };
}

// The token of an invitation's link (`…/accept#token=…`).
const tokenOf = (link) => new URL(link).hash.replace(/^#token=/, '');

async function run() {
  await check('TOTP here: RFC 6238\'s SHA-1 test vectors (secret "12345678901234567890")', async () => {
    const key = Buffer.from('12345678901234567890');
    const at = (t, digits) => hotp(key, Math.floor(t / STEP_SECONDS), digits);
    equal(at(59, 8), '94287082', 'T=59');
    equal(at(59, 6), '287082', 'T=59, six digits');
    equal(at(1111111109, 8), '07081804', 'T=1111111109');
    equal(at(1234567890, 8), '89005924', 'T=1234567890');
    equal(at(20000000000, 8), '65353130', 'T=20000000000');
    equal(base32('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString(), '12345678901234567890', 'base32');
  });

  // Acme invites; Ada (its admin), Gus, Jo and Rob each have a profile with two-step on.
  const ada = await personWithTwoStep('Acme', 'ada@acme.example', 'Ada');
  const gus = await personWithTwoStep('Globex', 'gus@globex.example', 'Gus');
  const jo = await personWithTwoStep('Umbrella', 'jo@umbrella.example', 'Jo');
  const rob = await personWithTwoStep('Initech', 'rob@initech.example', 'Rob');
  const acmeId = (await server.expectStatus(200, 'GET', '/v1/me', undefined, ada.token)).account_id;
  const externalLogins = async () =>
    (await server.expectStatus(200, 'GET', '/v1/users?type=extranet', undefined, ada.token)).items.map((u) => u.email);

  // ---------------------------------------------------------------- the join page

  await check('join page: an existing profile with two-step on → the code asked for after its password; a wrong one told; a recovery code joins', async () => {
    const group = await server.expectStatus(201, 'POST', '/v1/workgroups', { name: 'Site', kind: 'project', allow_external: true }, ada.token);
    const link = await server.expectStatus(201, 'POST', `/v1/workgroups/${group.id}/join-links`, { approval: 'none' }, ada.token);
    const page = await newPage();
    await page.goto(link.url);
    await shown(page, 'form');
    await page.fill('#login', jo.email);
    await page.fill('#first-name', 'Jo');
    await page.fill('#last-name', 'Lee');
    await page.click('#send-button');
    await shown(page, 'code');
    const { code } = await server.message(jo.email, 'code');
    assert(await page.locator('#second-factor-field').isHidden(), 'no code field before the server asks');
    await page.fill('#code', code);
    await page.fill('#password', PASSWORD);
    equal(await send(page, '#join-button', '/v1/join-links/confirm'), 401, 'the password alone');
    await page.locator('#second-factor-field').waitFor({ state: 'visible' });
    equal(
      await text(page, '#confirm-error'),
      'Two-step authentication is on for your profile: enter the code from your authenticator app, or a recovery code, then send again.',
      'what the page asks'
    );
    equal(await focused(page), 'second-factor-code', 'focus on the code');
    equal(await text(page, 'label[for="second-factor-code"]'), 'Code from your authenticator app', 'its label');
    await shot(page, 'two-factor-join-asked.png');
    // Checked here first: neither six digits nor a recovery code.
    await page.fill('#second-factor-code', '12345');
    await page.click('#join-button');
    equal(await text(page, '#second-factor-code-error'), 'A code is the six digits your app shows, or a recovery code such as abcde-fghjk.', 'a malformed code');
    await page.fill('#second-factor-code', await jo.app.wrongCode());
    equal(await send(page, '#join-button', '/v1/join-links/confirm'), 401, 'a wrong code');
    assert((await text(page, '#second-factor-code-error')).startsWith('This code is not right, or it was used already.'), `the wrong code told: ${await text(page, '#second-factor-code-error')}`);
    equal(await text(page, '#confirm-error'), 'The code is not right.', 'the summary');
    assert(!(await externalLogins()).includes(jo.email), 'nothing done yet');
    await page.fill('#second-factor-code', jo.app.recoveryCodes.shift());
    equal(await send(page, '#join-button', '/v1/join-links/confirm'), 201, 'a recovery code');
    await shown(page, 'welcome');
    equal(
      await text(page, '#welcome-text'),
      'You are now a member of “Site” at Acme. Two-step authentication stays on: when you sign in, you give the code from your authenticator app after your password.',
      'the welcome'
    );
    assert((await externalLogins()).includes(jo.email), 'Jo is an external user of Acme');
    const login = await server.request('POST', '/v1/auth/login', { login: jo.email, password: PASSWORD, account_id: acmeId });
    equal(`${login.status} ${login.data.status}`, '202 second_factor_required', 'Jo\'s login into Acme asks for the code too');
    return shot(page, 'two-factor-join-welcome.png');
  });

  // ---------------------------------------------------------------- the accept page

  await check('accept page: too many wrong codes → the wait is shown, and the invitation is still there', async () => {
    const { link } = await server.invite(ada.token, { email: rob.email, first_name: 'Rob', last_name: 'Lee' }, 'Rob\'s project');
    const page = await newPage();
    await page.goto(link);
    await shown(page, 'invitation');
    await page.fill('#password', PASSWORD);
    equal(await send(page, '#accept-button', '/v1/invitations/accept'), 401, 'the password alone');
    await page.locator('#second-factor-field').waitFor({ state: 'visible' });
    let said = '';
    const statuses = [];
    for (let i = 0; i < 10 && !said.startsWith('Too many attempts'); i += 1) {
      await page.fill('#second-factor-code', await rob.app.wrongCode());
      statuses.push(await send(page, '#accept-button', '/v1/invitations/accept'));
      said = await text(page, '#form-error');
    }
    equal(statuses.at(-1), 429, `the last answer (${statuses.join(', ')})`);
    assert(
      /^Too many attempts\. Please wait \d+ seconds?, then try again with the code your app shows then\.$/.test(said),
      `the wait is shown: ${said}`
    );
    assert(await page.locator('#accept-button').isEnabled(), 'usable again');
    const lookup = await server.request('POST', '/v1/invitations/lookup', { token: tokenOf(link) });
    equal(`${lookup.status} ${lookup.data.invitation && lookup.data.invitation.status}`, '200 pending', 'the invitation waits');
    return shot(page, 'two-factor-accept-rate-limited.png');
  });

  // ---------------------------------------------------------------- the reset-password page

  await check('reset page: after a reset it says two-step stays on and whom to ask when device and codes are lost; the login still asks for the code', async () => {
    const NEW_PASSWORD = 'a brand new passphrase';
    await server.expectStatus(202, 'POST', '/v1/auth/password-reset', { login: rob.email });
    const { code, link } = await server.message(rob.email, 'code');
    const page = await newPage();
    await page.goto(link);
    await shown(page, 'code');
    await page.fill('#code', code);
    await page.fill('#new-password', NEW_PASSWORD);
    equal(await send(page, '#reset-button', '/v1/auth/password-reset/confirm'), 204, 'the reset');
    await shown(page, 'done');
    equal(
      await text(page, '#done-two-step'),
      'If two-step authentication is on for your profile, it stays on: the next time you sign in, you are asked for the code from your authenticator app (or a recovery code) after your new password.',
      'two-step stays on'
    );
    equal(
      await text(page, '#done-lost-device'),
      'Lost both the device with your authenticator app and your recovery codes? Ask your administrator or the service\'s support to switch two-step authentication off for your profile; then sign in with your password and set it up again.',
      'whom to ask'
    );
    const login = await server.request('POST', '/v1/auth/login', { login: rob.email, password: NEW_PASSWORD });
    equal(`${login.status} ${login.data.status} ${login.data.access_token}`, '202 second_factor_required undefined', 'the new password asks for the code');
    return shot(page, 'two-factor-reset-done.png');
  });

  await check('reset page: the two-step paragraphs in French (?lang=fr)', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/reset-password?lang=fr`);
    await shown(page, 'request');
    const said = await page.evaluate(() => document.getElementById('done-two-step').textContent);
    assert(said.startsWith('Si l\'authentification en deux étapes est activée pour votre profil, elle le reste'), `in French: ${said}`);
  });

  await check('accept page: an existing profile with two-step on gives its password, is asked for the code, a wrong one is told, the right one joins', async () => {
    const { link } = await server.invite(ada.token, { email: gus.email, first_name: 'Gus', last_name: 'Lee' }, 'Gus\'s project');
    const page = await newPage();
    await page.goto(link);
    await shown(page, 'invitation');
    equal(await text(page, '#form-title'), 'Sign in to join', 'an existing profile');
    assert(await page.locator('#second-factor-field').isHidden(), 'no code field before the server asks');
    await page.fill('#password', PASSWORD);
    equal(await send(page, '#accept-button', '/v1/invitations/accept'), 401, 'the password alone');
    await page.locator('#second-factor-field').waitFor({ state: 'visible' });
    equal(
      await text(page, '#form-error'),
      'Two-step authentication is on for your profile: enter the code from your authenticator app, or a recovery code, then send again.',
      'what the page asks'
    );
    equal(await focused(page), 'second-factor-code', 'focus on the code');
    equal(await page.getAttribute('#second-factor-code', 'autocomplete'), 'one-time-code', 'autocomplete');
    await shot(page, 'two-factor-accept-asked.png');
    const lookup = await server.request('POST', '/v1/invitations/lookup', { token: tokenOf(link) });
    equal(lookup.data.invitation.status, 'pending', 'nothing done by the password alone');
    await page.fill('#second-factor-code', await gus.app.wrongCode());
    equal(await send(page, '#accept-button', '/v1/invitations/accept'), 401, 'a wrong code');
    equal(
      await text(page, '#second-factor-code-error'),
      'This code is not right, or it was used already. Enter the code your app shows now (after a code that worked, wait for the next one), or a recovery code.',
      'the wrong code told at its field'
    );
    equal(await text(page, '#form-error'), 'The code is not right.', 'the summary');
    equal(await page.getAttribute('#second-factor-code', 'aria-invalid'), 'true', 'the field marked');
    await shot(page, 'two-factor-accept-wrong.png');
    // The app's code of now: the set-up took one, so this waits for the next step if needed.
    await page.fill('#second-factor-code', await gus.app.code());
    equal(await send(page, '#accept-button', '/v1/invitations/accept'), 201, 'the right code');
    await shown(page, 'welcome');
    equal(await text(page, '#welcome-title'), 'Welcome, Gus!', 'the welcome');
    assert(
      (await text(page, '#welcome-next')).endsWith('Two-step authentication stays on: when you sign in, you give the code from your authenticator app after your password.'),
      `the next step says two-step stays on: ${await text(page, '#welcome-next')}`
    );
    assert((await externalLogins()).includes(gus.email), 'Gus is an external user of Acme');
    return shot(page, 'two-factor-accept-welcome.png');
  });

  // ---------------------------------------------------------------- Swagger UI at /docs

  await check('docs: a profile with two-step on logs in through "Try it out" (202, a challenge), answers it with a code, authorizes, and GET /v1/me is 200', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Swagger UI is not under the pages' strict policy: its console is reported, not failed.
    const consoleLines = [];
    await watch(page, (line) => consoleLines.push(line));
    try {
      await page.goto(`${server.url}/docs/`);
      const op = (method, path) =>
        page.locator(`.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
      // Opens `o`, "Try it out", the body typed in, "Execute": the status and body it shows.
      async function execute(o, body) {
        await o.locator('.opblock-summary').first().click();
        await o.locator('button.try-out__btn').click();
        if (body) await o.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2));
        await o.locator('button.execute').click();
        const status = o.locator('.live-responses-table .response .response-col_status').first();
        await status.waitFor({ timeout: 15000 });
        const shownBody = (await o.locator('.live-responses-table .response-col_description pre').first().textContent()) || '';
        await o.locator('.live-responses-table').first().scrollIntoViewIfNeeded();
        return { status: ((await status.textContent()) || '').trim(), body: shownBody };
      }
      const parse = (what, s) => {
        try {
          return JSON.parse(s);
        } catch {
          throw new Error(`${what}: the body shown is not JSON: ${s.slice(0, 200)}`);
        }
      };

      const loginOp = op('post', '/v1/auth/login');
      const first = await execute(loginOp, { login: ada.email, password: PASSWORD });
      equal(first.status, '202', `POST /v1/auth/login (shown: ${first.body.slice(0, 160)})`);
      const challenge = parse('the login', first.body);
      equal(challenge.status, 'second_factor_required', 'the 202\'s status');
      assert(typeof challenge.challenge === 'string' && challenge.challenge.length > 20, 'a challenge is shown');
      assert(!('access_token' in challenge), 'no token yet');
      await shot(loginOp.locator('.live-responses-table').first(), 'two-factor-docs-challenge.png');

      const secondOp = op('post', '/v1/auth/login/second-factor');
      const second = await execute(secondOp, { challenge: challenge.challenge, code: await ada.app.code() });
      equal(second.status, '200', `POST /v1/auth/login/second-factor (shown: ${second.body.slice(0, 160)})`);
      const pair = parse('the second factor', second.body);
      assert(typeof pair.access_token === 'string' && pair.access_token.length > 20, 'an access token is shown');
      equal(pair.two_factor_enrollment_required, false, 'a full session');

      await page.locator('.swagger-ui .auth-wrapper button.authorize').click();
      const dialog = page.locator('.swagger-ui .dialog-ux .modal-ux');
      const scheme = dialog.locator('.auth-container').filter({ has: page.locator('h4 code', { hasText: /^bearer$/ }) });
      await scheme.locator('input').first().fill(pair.access_token);
      await scheme.locator('button.authorize').click();
      await scheme.locator('button', { hasText: 'Logout' }).waitFor();
      await scheme.locator('button.btn-done').click();
      await dialog.waitFor({ state: 'detached' });

      const meOp = op('get', '/v1/me');
      const me = await execute(meOp);
      const file = await shot(meOp.locator('.live-responses-table').first(), 'two-factor-docs-me.png');
      equal(me.status, '200', `GET /v1/me (shown: ${me.body.slice(0, 160)})`);
      const who = parse('/v1/me', me.body);
      equal(`${who.kind} ${who.email}`, `user ${ada.email}`, 'the caller');
      return file;
    } finally {
      if (consoleLines.length) console.log(`  # /docs console: ${consoleLines.join(' | ')}`);
      await context.close();
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
