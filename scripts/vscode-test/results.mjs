// Reads and prints the JSON results that test/integration/index.ts writes inside the extension
// host ({ passes: [{ title, duration }], failures: [{ title, message, stack }] }).
import * as fs from 'node:fs/promises';

/** The results, or undefined (with a line saying why) when the file is missing or unreadable. */
export async function readResults(resultsPath) {
  try {
    return JSON.parse(await fs.readFile(resultsPath, 'utf8'));
  } catch (error) {
    console.log(`\nNo test results at ${resultsPath} (${error.code ?? error.message}): the tests index did not run or did not finish.`);
    return undefined;
  }
}

/** Prints each test as mocha's spec reporter would, then each failure with its stack. */
export function printResults(results) {
  if (!results) return;
  console.log('');
  for (const test of results.passes) console.log(`  ✔ ${test.title} (${test.duration} ms)`);
  for (const test of results.failures) console.log(`  ✗ ${test.title}`);
  results.failures.forEach((failure, index) => {
    console.log(`\n  ${index + 1}) ${failure.title}\n     ${failure.message.split('\n').join('\n     ')}`);
    const stack = failure.stack.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 8);
    if (stack.length > 0) console.log(stack.map((line) => `     ${line.trim()}`).join('\n'));
  });
}

/** The last line of a run: `<passed> passed, <failed> failed`. */
export function summaryLine(results) {
  return `${results?.passes.length ?? 0} passed, ${results?.failures.length ?? 0} failed`;
}
