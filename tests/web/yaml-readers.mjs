// openapi.yaml is read alike by YAML 1.1 and YAML 1.2 readers: js-yaml's default schema (YAML
// 1.1's types, timestamps among them, as many generators and editors read YAML) gives the same
// document as its core schema (YAML 1.2's, as the server's own YAML writer and reader mean it;
// `tests/api/contract/openapi.rs` checks that reading against the code). An unquoted
// `2026-11-28T09:30:00Z` would be a Date for the first and a string for the second.
import { deepStrictEqual } from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? path.resolve(here, '../../openapi.yaml');
const text = fs.readFileSync(file, 'utf8');
const yaml11 = yaml.load(text); // DEFAULT_SCHEMA
const yaml12 = yaml.load(text, { schema: yaml.CORE_SCHEMA });

const differences = [];
(function walk(a, b, at) {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !(a instanceof Date) && !(b instanceof Date)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[key], b[key], `${at}/${key}`);
  } else if (a !== b) {
    differences.push(`${at}: ${a instanceof Date ? `a Date (${a.toISOString()})` : JSON.stringify(a)} (YAML 1.1) != ${JSON.stringify(b)} (YAML 1.2)`);
  }
})(yaml11, yaml12, '');
if (differences.length > 0) {
  console.error(`not ok - ${path.basename(file)}: ${differences.length} values read otherwise by YAML 1.1:\n  ${differences.slice(0, 20).join('\n  ')}`);
  process.exit(1);
}
deepStrictEqual(yaml11, yaml12);
console.log(`ok - ${path.basename(file)}: YAML 1.1 (js-yaml's default schema) and YAML 1.2 read the same document`);
