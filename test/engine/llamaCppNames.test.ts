// The pair check refuses architectures and projector types by src/core/models/llamaCppNames.ts;
// this checks that the list is the one of the llama.cpp the engine is built from, so an update of
// node-llama-cpp that adds a model family cannot leave the check refusing it.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const repositoryRoot = path.resolve(__dirname, '../../..');

describe('llamaCppNames.ts', function () {
  this.timeout(60_000);

  it('matches the llama.cpp source node-llama-cpp pins', () => {
    const output = execFileSync(process.execPath, [path.join(repositoryRoot, 'scripts', 'llama-cpp-names.mjs'), '--check'], { encoding: 'utf8' });
    assert.match(output, /up to date with llama\.cpp [0-9a-f]{12} \(\d+ architectures, \d+ projector types\)/);
  });
});
