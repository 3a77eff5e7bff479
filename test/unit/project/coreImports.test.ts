// The core must stay free of the editor: the check script passes on src/core and fails on a file
// that imports vscode or reaches outside the core.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');
const script = path.join(repoRoot, 'scripts', 'check-core-imports.mjs');

function check(dir?: string) {
  return spawnSync(process.execPath, dir ? [script, dir] : [script], { encoding: 'utf8' });
}

describe('core import boundary', () => {
  it('src/core imports nothing from vscode', () => {
    const result = check();
    assert.equal(result.status, 0, result.stderr);
  });

  for (const [name, source] of [
    ['an import of vscode', "import * as vscode from 'vscode';\n"],
    ['a require of vscode', "const vscode = require('vscode');\n"],
    ['a relative import out of the core', "import { x } from '../../vscode/config';\n"],
  ]) {
    it(`fails on ${name}`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-core-'));
      const core = path.join(dir, 'core', 'sub');
      fs.mkdirSync(core, { recursive: true });
      fs.writeFileSync(path.join(core, 'ok.ts'), "import fs from 'node:fs';\nimport { a } from './other';\n");
      fs.writeFileSync(path.join(core, 'bad.ts'), source);
      const result = check(path.join(dir, 'core'));
      fs.rmSync(dir, { recursive: true, force: true });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /bad\.ts:1/);
      assert.doesNotMatch(result.stderr, /ok\.ts/);
    });
  }
});
