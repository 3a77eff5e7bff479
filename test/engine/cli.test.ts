// The `glimpse` command line (the bundled dist/cli.js, as a user runs it) with the tiny pair and
// the real engine: explain streams an answer to stdout; doctor reports the setup; bad input exits 1
// with the core's message.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureSyntheticPair, testGeneratedDirectory, testModelsDirectory } from '../fixtures/gguf/presets';
import { writeBadFiles } from '../fixtures/gguf/badFiles';
import { createBmp, writeTestImage } from '../fixtures/images';
import { browserForTests } from './score/browser';
import { writeFakeLlamaServer } from '../e2e/fakeLlamaServer';
import { cachedServerBinaries } from '../../src/core/engine/locateServer';
import { valueAfter, writeArgumentRecorder } from '../fixtures/argumentRecorder';

const cli = path.resolve(__dirname, '../../../dist/cli.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Times (ms since spawn) at which stdout chunks arrived. */
  stdoutChunkTimes: number[];
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, GLIMPSE_MODEL: '', GLIMPSE_MMPROJ: '', ...env } });
    const result: CliResult = { code: null, stdout: '', stderr: '', stdoutChunkTimes: [] };
    child.stdout.on('data', (d: Buffer) => {
      result.stdout += d.toString('utf8');
      result.stdoutChunkTimes.push(Date.now() - started);
    });
    child.stderr.on('data', (d: Buffer) => (result.stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ...result, code }));
  });
}

describe('glimpse CLI (bundled, real engine)', function () {
  this.timeout(120_000);
  let model: string;
  let mmproj: string;
  let image: string;

  before(async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    model = pair.modelPath;
    mmproj = pair.mmprojPath;
    image = await writeTestImage(testGeneratedDirectory('images', 'cli-test.jpg'), { width: 640, height: 480, format: 'jpeg', pattern: 'screenshot' });
  });

  it('explain streams an answer to stdout and reports the image size and timings on stderr', async () => {
    const result = await runCli(['explain', image, '--model', model, '--mmproj', mmproj, '--max-tokens', '48', '--temperature', '1', '--stats', '--threads', '2']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdoutChunkTimes.length >= 2, `expected a streamed answer, got ${result.stdoutChunkTimes.length} chunk(s)`);
    assert.match(result.stderr, /cli-test\.jpg: 640×480 → 448×336/);
    assert.match(result.stderr, /prompt \d+ tokens \(0 cached\) in \d+ ms; \d+ tokens at [\d.]+ tok\/s/);
  });

  it('doctor lists the engine, the CPU and the checked pair, and exits 0', async () => {
    const result = await runCli(['doctor', '--model', model, '--mmproj', mmproj]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /✓ engine: .*llama-server \(version: .*; (engine cache|PATH|glimpse\.serverPath|bundled engine)(, CPU kernels \w+)?\)/);
    // The portable build (the default) loads one of its CPU kernel modules, and doctor names it.
    const built = cachedServerBinaries()[0];
    const info = built ? JSON.parse(fs.readFileSync(path.join(path.dirname(path.dirname(built)), 'build-info.json'), 'utf8')) as { cpuVariants?: string[] } : {};
    if (info.cpuVariants?.length) {
      const loaded = /✓ cpu kernels: (\w+) \(of (\d+) in this build/.exec(result.stdout);
      assert.ok(loaded, result.stdout);
      assert.ok(info.cpuVariants.includes(loaded[1]), `${loaded[1]} is not one of ${info.cpuVariants.join(', ')}`);
      assert.equal(Number(loaded[2]), info.cpuVariants.length);
    }
    assert.match(result.stdout, /✓ cpu: .* threads/);
    assert.match(result.stdout, /✓ model: .*\(llama, 64-d, 2 layers\); vision: mlp projector, 56 px, patch 14/);
  });

  it('doctor and explain refuse a mismatched projector with the pair check\'s message, exit 1', async () => {
    const bad = await writeBadFiles(testGeneratedDirectory('bad'));
    const doctor = await runCli(['doctor', '--model', model, '--mmproj', bad.mismatchedMmproj]);
    assert.equal(doctor.code, 1);
    assert.match(doctor.stdout, /✗ model: .*produces 128-wide embeddings, the model expects 64/);
    const explain = await runCli(['explain', image, '--model', model, '--mmproj', bad.mismatchedMmproj]);
    assert.equal(explain.code, 1);
    assert.match(explain.stderr, /^glimpse: The projector file .* does not fit the model/m);
    assert.equal(explain.stdout, '');
  });

  it('explain without a model says how to give one', async () => {
    const result = await runCli(['explain', image]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No model given\. Pass --model <model\.gguf> --mmproj <mmproj\.gguf>/);
  });

  it('a negative --request-timeout is refused before a start (0 is the way to say no limit)', async () => {
    const result = await runCli(['explain', image, '--model', model, '--mmproj', mmproj, '--request-timeout=-5']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--request-timeout needs a number of seconds, 0 or more \(0: no limit\), got "-5"/);
  });

  it('--gpu-layers reaches llama-server as -ngl; a value that is not a number of layers or "auto" is refused before a start', async () => {
    // Which values mean what is parseGpuLayers' (unit-tested); this checks the flag's way through the CLI.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-cli-ngl-'));
    try {
      const recorder = writeArgumentRecorder(dir);
      const withLayers = await runCli(['explain', image, '--model', model, '--mmproj', mmproj, '--server', recorder.binary, '--gpu-layers', '7']);
      assert.equal(withLayers.code, 1, 'the stand-in server exits at once');
      assert.equal(valueAfter(recorder.recorded(), '-ngl'), '7');

      recorder.reset();
      const refused = await runCli(['explain', image, '--model', model, '--mmproj', mmproj, '--server', recorder.binary, '--gpu-layers', 'all']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /--gpu-layers needs a whole number of layers or "auto", got "all"/);
      assert.deepEqual(recorder.recorded(), [], 'nothing was started');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mockup --score scores a BMP mockup (read by Glimpse, not sharp) and writes the render; a score that cannot be made still exits 0', async function () {
    const browser = browserForTests(this);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-cli-score-'));
    try {
      const bmp = path.join(dir, 'mockup.bmp');
      fs.writeFileSync(bmp, createBmp({ width: 96, height: 64, pattern: 'quadrants' }));
      const out = path.join(dir, 'page.html');
      // A stand-in server that answers a page (the tiny model's random weights write no code).
      const server = writeFakeLlamaServer('cli-score-server', '```html\n<div style="background:#f00;width:96px;height:64px"></div>\n```\n', { delayMs: 0, chunk: 20 });
      const args = ['mockup', bmp, '--model', model, '--mmproj', mmproj, '--server', server, '--one-step', '--out', out, '--score'];
      const scored = await runCli([...args, '--browser', browser]);
      assert.equal(scored.code, 0, scored.stderr);
      assert.match(scored.stderr, /visual score \d+\/100/);
      assert.ok(fs.statSync(`${out}.render.png`).size > 0, 'the render was written next to the code');

      fs.rmSync(out);
      const noBrowser = await runCli([...args, '--browser', path.join(dir, 'no-such-browser')]);
      assert.equal(noBrowser.code, 0, noBrowser.stderr);
      assert.match(noBrowser.stderr, /--score (failed|skipped)/);
      assert.ok(fs.existsSync(out), 'the code was written anyway');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
