// The layer rules in .dependency-cruiser.cjs (`npm run check:layers`): the repository's src/ keeps
// them, and on a small tree that breaks each rule once, each rule reports its import and no other.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');
const config = path.join(repoRoot, '.dependency-cruiser.cjs');
const depcruise = path.join(repoRoot, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation { rule: { name: string }; from: string; to: string }

/** Runs the layer check on `cwd`'s src/ as `npm run check:layers` does: its exit status and report. */
function checkLayers(cwd: string): { status: number | null; report: string } {
  const result = spawnSync(process.execPath, [depcruise, 'src', '--config', config, '--output-type', 'err-long'], { cwd, encoding: 'utf8' });
  return { status: result.status, report: result.stdout + result.stderr };
}

/** The violations the layer check finds in `cwd`'s src/, one `rule: from → to` line each. */
function violations(cwd: string): string[] {
  const result = spawnSync(process.execPath, [depcruise, 'src', '--config', config, '--output-type', 'json'], { cwd, encoding: 'utf8' });
  assert.ok(result.stdout, result.stderr);
  const report = JSON.parse(result.stdout) as { summary: { violations: Violation[] } };
  return report.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

/** A tree with one import per rule that breaks it, and imports each rule allows beside them. */
const fixture: Record<string, string> = {
  'tsconfig.json': '{ "compilerOptions": { "module": "node16", "strict": true }, "include": ["src"] }',
  'node_modules/@types/vscode/package.json': '{ "name": "@types/vscode", "version": "1.90.0", "types": "index.d.ts" }',
  'node_modules/@types/vscode/index.d.ts': "declare module 'vscode' { export const version: string; }\n",
  'src/core/errors.ts': 'export class GlimpseError extends Error {}\n',
  'src/core/protocol.ts': "import { GlimpseError } from './errors';\nexport type Message = GlimpseError;\n",
  'src/core/images/readFile.ts': "import fs from 'node:fs';\nimport { GlimpseError } from '../errors';\nexport const read = (p: string) => (p ? fs.readFileSync(p) : new GlimpseError());\n",
  'src/core/openai/client.ts': "import { pool } from '../engine/pool';\nimport { read } from '../images/readFile';\nexport const client = [pool, read];\n",
  'src/core/models/catalog.ts': "import * as vscode from 'vscode';\nexport const catalog = vscode.version;\n",
  'src/core/engine/pool.ts': "import type { Remote } from '../remote/remote';\nimport { catalog } from '../models/catalog';\nexport const pool: Remote[] = [catalog];\n",
  'src/core/remote/remote.ts': 'export type Remote = string;\n',
  'src/core/chat/first.ts': "import { second } from './second';\nexport const first = () => second;\n",
  'src/core/chat/second.ts': "import { first } from './first';\nimport { client } from '../openai/client';\nexport const second = () => [first, client];\n",
  'src/core/history/store.ts': "import { first } from '../chat/first';\nexport const store = first;\n",
  'src/webview/main.ts': "import type { Message } from '../core/protocol';\nimport { read } from '../core/images/readFile';\nexport const main = (m: Message) => [m, read];\n",
  'src/webview/view.ts': "import { adapter } from '../vscode/adapter';\nexport const view = adapter;\n",
  'src/vscode/adapter.ts': "import * as vscode from 'vscode';\nimport { store } from '../core/history/store';\nexport const adapter = [vscode.version, store];\n",
  'src/cli/main.ts': "import { adapter } from '../vscode/adapter';\nimport { store } from '../core/history/store';\nexport const cli = [adapter, store];\n",
};

describe('layer rules (dependency-cruiser)', () => {
  it('hold on the repository’s src/', () => {
    const result = checkLayers(repoRoot);
    assert.equal(result.status, 0, result.report);
  });

  it('report each import that breaks a rule, and none that a rule allows', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-layers-'));
    try {
      for (const [file, text] of Object.entries(fixture)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      }
      assert.deepEqual(violations(dir), [
        'cli-imports-editor: src/cli/main.ts → src/vscode/adapter.ts',
        'core-imports-editor: src/core/models/catalog.ts → node_modules/@types/vscode/index.d.ts',
        'core-layer-2-imports-upward: src/core/openai/client.ts → src/core/engine/pool.ts',
        'core-layer-4-imports-upward: src/core/engine/pool.ts → src/core/remote/remote.ts',
        'no-circular: src/core/chat/first.ts → src/core/chat/second.ts',
        'webview-imports-host: src/webview/view.ts → src/vscode/adapter.ts',
        // Reached through other modules: core/images/readFile.ts imports node:fs.
        'webview-reaches-node: src/webview/main.ts → fs',
        'webview-reaches-node: src/webview/view.ts → fs',
      ].sort());
      const result = checkLayers(dir);
      assert.notEqual(result.status, 0, `the check must fail the build when it finds a violation:\n${result.report}`);
      assert.match(result.report, /core-layer-2-imports-upward: src\/core\/openai\/client\.ts → src\/core\/engine\/pool\.ts/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
