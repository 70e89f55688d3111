// Browser tests of the pages' six languages, in Debian's chromium (playwright-core, no browser
// download), against a server this script starts itself: the accept page in German by the
// browser's Accept-Language (an invitation written in the account's English), and in German by
// the invitation's own language (the browser asking for English); the language switcher changes
// the language by keyboard and keeps the invitation's token; /reset-password in French by
// ?lang=fr. One line per check, screenshots in target/browser/.
//   node tests/web/locales.mjs      (EXTRANET_BIN: the binary, default target/debug/extranet)
import { chromium } from 'playwright-core';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { assert, check, equal, outline, shot, watchedPage } from './checks.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = resolve(process.env.EXTRANET_BIN || resolve(root, 'target/debug/extranet'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

let browser;
let server;
const errors = [];
// A page whose browser asks for `language` (its Accept-Language and navigator.language).
const newPage = (language) => watchedPage(browser, errors, { locale: language });
const text = async (page, selector) => ((await page.locator(selector).textContent()) || '').trim();
const shown = (page, view) => page.locator(`#view-${view}`).waitFor({ state: 'visible', timeout: 15000 });
// Waits (15 s at most) until `selector`'s text is `want`.
const textIs = (page, selector, want) =>
  page.waitForFunction(
    ([s, w]) => (document.querySelector(s)?.textContent || '').trim() === w,
    [selector, want],
    { timeout: 15000 }
  );

async function invite(token, email, locale) {
  const body = {
    type: 'extranet',
    workgroup: { name: 'Kundenportal', kind: 'project' },
    invitees: [{ email, first_name: 'Ann', last_name: 'Lee' }],
  };
  if (locale) body.locale = locale;
  await server.expectStatus(201, 'POST', '/v1/invitations', body, token);
  return (await server.message(email, 'link')).link;
}

async function run() {
  const ADMIN = { email: 'ada@acme.example', password: 'correct horse battery', first_name: 'Ada', last_name: 'Lovelace' };
  const acme = await server.signUp('Acme', ADMIN);
  const token = acme.access_token;

  await check('accept page: in German by Accept-Language, for an invitation written in the account\'s English', async () => {
    const link = await invite(token, 'ann@client.example');
    const page = await newPage('de-DE');
    await page.goto(link);
    await shown(page, 'invitation');
    equal(await page.evaluate(() => document.documentElement.lang), 'de', '<html lang>');
    equal(await text(page, '#invitation-title'), 'Sie sind zu Acme eingeladen', 'the heading');
    equal(await text(page, '#accept-button'), 'Einladung annehmen', 'the button');
    equal(await text(page, '#form-title'), 'Passwort festlegen und beitreten', 'the form');
    assert((await text(page, '#invitation-summary')).startsWith('Ada Lovelace lädt Sie ein, Acme und dem Projekt „Kundenportal“ beizutreten.'), 'the summary');
    equal(await page.title(), 'Ihre Einladung', 'the title');
    equal(await page.inputValue('#language'), 'de', 'the switcher shows the language');
    return shot(page, 'locales-accept-de-by-header.png');
  });

  let link;
  await check('accept page: in German by the invitation\'s own language, the browser asking for English', async () => {
    link = await invite(token, 'bea@client.example', 'de');
    const page = await newPage('en-US');
    await page.goto(link);
    await page.waitForURL(/[?&]lang=de/, { timeout: 15000 });
    await shown(page, 'invitation');
    equal(await page.evaluate(() => document.documentElement.lang), 'de', '<html lang>');
    equal(await text(page, '#invitation-title'), 'Sie sind zu Acme eingeladen', 'the heading');
    assert(!page.url().includes('token='), `the token left the address bar: ${page.url()}`);
    return shot(page, 'locales-accept-de-by-invitation.png');
  });

  await check('accept page: the switcher, by keyboard, changes the language and keeps the token', async () => {
    const page = await newPage('de-DE');
    await page.goto(link);
    await shown(page, 'invitation');
    // By keyboard: Tab reaches the switcher (the page's first control), an arrow key picks the
    // next language (Español after Deutsch), which reloads the page in it.
    await page.focus('#invitation-title');
    await page.keyboard.press('Shift+Tab');
    const reached = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (reached !== 'language') await page.focus('#language');
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/[?&]lang=es/, { timeout: 15000 });
    await shown(page, 'invitation');
    equal(await page.evaluate(() => document.documentElement.lang), 'es', '<html lang>');
    await textIs(page, '#invitation-title', 'Te invitan a Acme');
    equal(await text(page, '#accept-button'), 'Aceptar invitación', 'the button');
    // And to French by choosing the option.
    await page.selectOption('#language', 'fr');
    await page.waitForURL(/[?&]lang=fr/, { timeout: 15000 });
    await shown(page, 'invitation');
    await textIs(page, '#invitation-title', 'Vous êtes invité à rejoindre Acme');
    // The token came along: the invitation is shown, not "incomplete link".
    equal(await text(page, '#invitee-login'), 'bea@client.example', 'the same invitation');
    const label = await page.locator('label[for="language"]').textContent();
    equal(label.trim(), 'Langue', 'the switcher\'s label');
    return shot(page, 'locales-accept-switched-fr.png');
  });

  await check('reset-password page: in French by ?lang=fr', async () => {
    const page = await newPage('en-US');
    await page.goto(`${server.url}/reset-password?lang=fr`);
    await shown(page, 'request');
    equal(await page.evaluate(() => document.documentElement.lang), 'fr', '<html lang>');
    equal(await text(page, '#request-title'), 'Réinitialiser votre mot de passe', 'the heading');
    equal(await text(page, '#send-button'), 'M\'envoyer un code', 'the button');
    equal(await page.title(), 'Réinitialiser votre mot de passe', 'the title');
    // A refusal the page writes itself, in French too.
    await page.click('#send-button');
    await textIs(page, '#login-error', 'Saisissez votre adresse e-mail ou votre numéro de téléphone.');
    return shot(page, 'locales-reset-fr.png');
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
