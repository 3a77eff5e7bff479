// glimpse.gpuLayers reaches llama-server as `-ngl N` only when it is a number: a stand-in binary
// records the arguments it is started with (and exits), for a real (synthetic) model pair.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LlamaServer, type LlamaServerConfig } from '../../../src/core/engine/llamaServer';
import { ensureSyntheticPair, testModelsDirectory } from '../../fixtures/gguf/presets';

describe('LlamaServer: GPU layers', function () {
  if (process.platform === 'win32') return;
  let dir: string;
  let modelPath: string;
  let mmprojPath: string;

  before(async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    modelPath = pair.modelPath;
    mmprojPath = pair.mmprojPath;
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-ngl-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Starts a server whose binary writes its arguments (one per line) to a file and exits 3. */
  async function argumentsFor(config: Partial<LlamaServerConfig>): Promise<string[]> {
    const argsFile = path.join(dir, 'args.txt');
    const binary = path.join(dir, 'llama-server');
    fs.writeFileSync(
      binary,
      [
        '#!/bin/sh',
        'if [ "$1" = "--version" ]; then echo "version: 0 (recorder)" >&2; exit 0; fi',
        'if [ "$1" = "--list-devices" ]; then printf "Available devices:\\n  (none)\\n"; exit 0; fi',
        `for arg in "$@"; do printf '%s\\n' "$arg" >> '${argsFile}'; done`,
        'exit 3',
      ].join('\n') + '\n',
      { mode: 0o755 },
    );
    const server = new LlamaServer({ serverPath: binary, modelPath, mmprojPath, startTimeoutMs: 10_000, ...config });
    try {
      await assert.rejects(server.start(), (error: Error & { code?: string }) => error.code === 'engine-exited');
    } finally {
      await server.dispose();
    }
    return fs.readFileSync(argsFile, 'utf8').trim().split('\n');
  }

  const valueAfter = (args: readonly string[], flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);

  it('passes -ngl with the number of layers when one is set', async () => {
    assert.equal(valueAfter(await argumentsFor({ gpuLayers: 12 }), '-ngl'), '12');
  });

  it('passes -ngl 0 (everything on the CPU) as a number, not as "unset"', async () => {
    assert.equal(valueAfter(await argumentsFor({ gpuLayers: 0 }), '-ngl'), '0');
  });

  it('passes no -ngl when it is not set ("auto": the engine decides)', async () => {
    const args = await argumentsFor({});
    assert.ok(args.includes('-m'), 'the recorder saw the start');
    assert.ok(!args.includes('-ngl') && !args.includes('--gpu-layers'), `unexpected GPU layers in ${args.join(' ')}`);
  });
});
