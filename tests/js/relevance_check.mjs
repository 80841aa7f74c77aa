// Check survey/static/relevance.js's evaluator against the cases of tests/test_expressions.py.
// Usage: node tests/js/relevance_check.mjs cases.json
//   cases.json: [{"source": "...", "tree": [...], "answers": {...}, "dot": ..., "expected": ...}]
// Prints every mismatch; exits 1 when there is one, 2 when the file cannot be read.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { evaluate, truthy } = require('../../survey/static/relevance.js');

let cases;
try {
  cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
} catch (error) {
  console.error(`relevance_check: cannot read cases: ${error.message}`);
  process.exit(2);
}

// Canonical JSON (-0 is written 0, as Python writes its int 0).
const canonical = (value) => JSON.stringify(value === undefined ? null : value);
let failures = 0;
for (const c of cases) {
  const got = evaluate(c.tree, c.answers, c.dot);
  const problems = [];
  if (canonical(got) !== canonical(c.expected)) problems.push(`value ${canonical(got)}`);
  if (truthy(got) !== c.truthy) problems.push(`truthy ${truthy(got)}`);
  if (problems.length) {
    failures += 1;
    console.log(`MISMATCH ${c.source} with ${canonical(c.answers)} dot=${canonical(c.dot)}: `
      + `expected ${canonical(c.expected)} (truthy ${c.truthy}), got ${problems.join(', ')}`);
  }
}
console.log(`${cases.length - failures}/${cases.length} cases agree`);
process.exit(failures ? 1 : 0);
