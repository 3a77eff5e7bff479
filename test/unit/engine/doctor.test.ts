// `glimpse doctor`'s engine hardware lines: backends and devices from `llama-server
// --list-devices`, the build variant and GPU flags, printed right after the engine line.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineHardwareItems, runDoctor } from '../../../src/cli/doctor';

describe('glimpse doctor: engine backends and devices', () => {
  it('names each backend once, after the CPU, from the device names', () => {
    const items = engineHardwareItems(
      ['CUDA0: NVIDIA H100 80GB HBM3 (81079 MiB, 80600 MiB free)', 'CUDA1: NVIDIA H100 80GB HBM3 (81079 MiB, 80600 MiB free)', 'Vulkan0: NVIDIA H100 (81079 MiB)'],
      { variant: 'cuda', cmakeFlags: ['-DCMAKE_BUILD_TYPE=Release', '-DGGML_NATIVE=ON', '-DLLAMA_CURL=OFF', '-DGGML_CUDA=ON'] },
    );
    assert.deepEqual(items.map((item) => item.label), ['backends', 'devices', 'build']);
    assert.equal(items[0].detail, 'CPU, CUDA, Vulkan');
    assert.match(items[1].detail, /^CUDA0: NVIDIA H100 80GB HBM3 \(81079 MiB, 80600 MiB free\); CUDA1: .*; Vulkan0: NVIDIA H100 \(81079 MiB\)/);
    assert.match(items[1].detail, /--gpu-layers chooses how many layers go there/);
    assert.doesNotMatch(items[1].detail, /glimpse\./, 'the command line names its flag, not the editor setting');
    assert.equal(items[2].detail, 'variant cuda, -DGGML_CUDA=ON');
    assert.ok(items.every((item) => item.ok));
  });

  it('says a CPU-only build has no device and where to read about GPU builds', () => {
    const items = engineHardwareItems([], { variant: 'cpu-native', cmakeFlags: ['-DGGML_NATIVE=ON'] });
    assert.equal(items[0].detail, 'CPU');
    assert.match(items[1].detail, /^none: .*CPU only.*docs\/engine-builds\.md/);
    assert.equal(items[2].detail, 'variant cpu-native');
  });

  it('names Metal by its usual name (its devices are MTL0, MTL1…) and reads a device name without an index', () => {
    assert.equal(engineHardwareItems(['MTL0: Apple M2 Pro (21845 MiB, 21844 MiB free)'])[0].detail, 'CPU, Metal');
    assert.equal(engineHardwareItems(['BLAS: Accelerate (0 MiB, 0 MiB free)'])[0].detail, 'CPU, BLAS');
  });

  describe('runDoctor', function () {
    if (process.platform === 'win32') return;
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-doctor-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function printed(run: () => Promise<number>): Promise<{ code: number; lines: string[] }> {
      const chunks: string[] = [];
      const write = process.stdout.write;
      process.stdout.write = ((chunk: string | Uint8Array) => {
        chunks.push(String(chunk));
        return true;
      }) as typeof process.stdout.write;
      try {
        const code = await run();
        return { code, lines: chunks.join('').trim().split('\n') };
      } finally {
        process.stdout.write = write;
      }
    }

    it('prints the devices the engine lists right after the engine line', async () => {
      const binary = path.join(dir, 'llama-server');
      fs.writeFileSync(binary, [
        '#!/bin/sh',
        'if [ "$1" = "--version" ]; then echo "version: 7 (fake gpu build)" >&2; exit 0; fi',
        'if [ "$2" = "--list-devices" ]; then printf "load_backend: loaded Vulkan backend\\nAvailable devices:\\n  Vulkan0: Fake GPU (4096 MiB, 4000 MiB free)\\n"; exit 0; fi',
        'exit 1',
      ].join('\n') + '\n', { mode: 0o755 });
      const { code, lines } = await printed(() => runDoctor({ serverPath: binary }));
      const engine = lines.findIndex((line) => line.startsWith('✓ engine: '));
      assert.ok(engine >= 0, lines.join('\n'));
      assert.equal(lines[engine + 1], '✓ backends: CPU, Vulkan');
      assert.match(lines[engine + 2], /^✓ devices: Vulkan0: Fake GPU \(4096 MiB, 4000 MiB free\)/);
      assert.ok(lines.some((line) => line.startsWith('✓ cpu: ')), 'the CPU line is still there');
      assert.equal(code, 1, 'no model was given, so doctor still reports a problem');
    });
  });
});
