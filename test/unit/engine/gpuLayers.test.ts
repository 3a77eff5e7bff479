// glimpse.gpuLayers reaches llama-server as `-ngl N` only when it is a number: a stand-in binary
// records the arguments it is started with (and exits), for a real (synthetic) model pair.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LlamaServer, type LlamaServerConfig } from '../../../src/core/engine/llamaServer';
import { ensureSyntheticPair, testModelsDirectory } from '../../fixtures/gguf/presets';
import { valueAfter, writeArgumentRecorder } from '../../fixtures/argumentRecorder';
import { parseGpuLayers } from '../../../src/core/engine/gpuLayers';

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

  /** The arguments a start passes to llama-server (the stand-in records them and exits). */
  async function argumentsFor(config: Partial<LlamaServerConfig>): Promise<string[]> {
    const recorder = writeArgumentRecorder(dir);
    const server = new LlamaServer({ serverPath: recorder.binary, modelPath, mmprojPath, startTimeoutMs: 10_000, ...config });
    try {
      await assert.rejects(server.start(), (error: Error & { code?: string }) => error.code === 'engine-exited');
    } finally {
      await server.dispose();
    }
    return recorder.recorded();
  }

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

describe('parseGpuLayers (glimpse.gpuLayers and --gpu-layers)', () => {
  it('reads whole numbers, as numbers or text, and "auto"', () => {
    assert.equal(parseGpuLayers(12), 12);
    assert.equal(parseGpuLayers(' 0 '), 0);
    assert.equal(parseGpuLayers('999'), 999);
    assert.equal(parseGpuLayers('auto'), 'auto');
    assert.equal(parseGpuLayers(' auto '), 'auto');
  });

  it('gives undefined for anything else, which each caller handles its own way', () => {
    for (const value of [-1, 1.5, '1.5', 'all', '', '12 layers', null, undefined, true, Number.MAX_VALUE]) {
      assert.equal(parseGpuLayers(value), undefined, String(value));
    }
  });
});
