// An engine that dies at start says why in words a user can act on: a stand-in llama-server that
// answers the checks (--version, --list-devices), then kills itself with the signal under test.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LlamaServer } from '../../../src/core/engine/llamaServer';
import { GlimpseError } from '../../../src/core/errors';
import { ensureSyntheticPair, testModelsDirectory } from '../../fixtures/gguf/presets';

describe('LlamaServer: why the engine died', function () {
  if (process.platform === 'win32') return;
  let dir: string;
  let pair: { modelPath: string; mmprojPath: string };

  before(async () => {
    pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-crash-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function dyingServer(signal: string): string {
    const binary = path.join(dir, 'llama-server');
    fs.writeFileSync(binary, [
      '#!/bin/sh',
      'if [ "$1" = "--version" ]; then echo "version: 0 (dying)" >&2; exit 0; fi',
      'if [ "$2" = "--list-devices" ]; then printf "Available devices:\\n  (none)\\n"; exit 0; fi',
      'echo "main: loading model" >&2',
      `kill -${signal} $$`,
    ].join('\n') + '\n', { mode: 0o755 });
    return binary;
  }

  const hints = [
    ['ILL', /CPU instruction this processor .* does not allow: set the llama-server path/, ['serverPath']],
    ['KILL', /ran out of memory/, []],
  ] as const;
  for (const [signal, hint, optionsToChange] of hints) {
    it(`SIGKILL and SIGILL get a hint; here SIG${signal}`, async () => {
      const server = new LlamaServer({ serverPath: dyingServer(signal), ...pair, startTimeoutMs: 10_000 });
      try {
        await assert.rejects(server.start(), (error: GlimpseError) =>
          error.code === 'engine-exited' && error.message.includes(`SIG${signal}`) && hint.test(error.message) &&
          JSON.stringify(error.optionsToChange) === JSON.stringify(optionsToChange));
      } finally {
        await server.dispose();
      }
    });
  }
});
