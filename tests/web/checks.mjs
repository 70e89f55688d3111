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
