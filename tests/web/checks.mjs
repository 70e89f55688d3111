import { mkdir } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// What the browser scripts share: one line per check (`ok - …` / `not ok - …`, the error's
// first lines as `# …`), assertions, and the count of failed checks for the exit status.
export const tally = { failures: 0 };

export async function check(name, fn) {
  try {
    const note = await fn();
    console.log(`ok - ${name}${note ? ` (${note})` : ''}`);
  } catch (e) {
    tally.failures += 1;
    console.log(`not ok - ${name}`);
    for (const line of String(e && e.stack ? e.stack : e).split('\n').slice(0, 6)) console.log(`  # ${line}`);
  }
}

export function assert(cond, what) {
  if (!cond) throw new Error(what);
}

export function equal(got, want, what) {
  if (got !== want) throw new Error(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
}

// Ends the script: a summary line, and a non-zero exit when any check failed.
export function finish() {
  console.log(tally.failures ? `# ${tally.failures} check(s) failed` : '# all checks passed');
  process.exit(tally.failures ? 1 : 0);
}

// Where the scripts' screenshots go.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const shotsDir = resolve(root, 'target/browser');

// Sends a page's console errors, uncaught exceptions and CSP violations to `report` (a line
// each: `console: …`, `pageerror: …`). A response with an error status the page asked for
// (404, 410, …) is part of the contract, not an error of the page: Chromium's "Failed to load
// resource: … status of 4xx" lines are left out.
export async function watch(page, report) {
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`)
    );
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
    report(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => report(`pageerror: ${e.message}`));
}

// A new page in a context of its own (`options`: Playwright's context options), watched
// (`watch`) into `errors` with the page's address.
export async function watchedPage(browser, errors, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, ...options });
  const page = await context.newPage();
  await watch(page, (line) => errors.push(`${page.url()}: ${line}`));
  return page;
}

// A screenshot of a whole page (fullPage false: the window), or of one element (a locator),
// in `shotsDir`; returns its path from the repository's root.
export async function shot(target, name, fullPage = true) {
  await mkdir(shotsDir, { recursive: true });
  const file = resolve(shotsDir, name);
  if (typeof target.goto === 'function') await target.screenshot({ path: file, fullPage });
  else await target.screenshot({ path: file });
  return relative(root, file);
}

// A browser script's outline: `setup` starts what the checks need (servers, the browser),
// handing each thing's stop to `started`; then `run`. A failure of either is one failed check;
// what was started is stopped, last first, and the script ends (`finish`).
export async function outline(setup, run) {
  const stops = [];
  try {
    await setup((stop) => stops.push(stop));
    await run();
  } catch (e) {
    tally.failures += 1;
    console.log(`not ok - setup: ${e && e.stack ? e.stack : e}`);
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
  finish();
}
