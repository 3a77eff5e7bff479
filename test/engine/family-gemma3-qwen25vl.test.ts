// Gemma 3 (`gemma3` text + `gemma3` projector) and Qwen2.5-VL (`qwen2vl` text + `qwen2.5vl_merger`
// projector) in the real llama-server, with the tiny synthetic pairs: each loads and streams an
// answer for an image, every image takes exactly the tokens Glimpse estimates (a small picture,
// a 1920×1080 screenshot, a tall page), and the pair check refuses a Qwen2.5-VL model crossed
// with a Qwen2-VL projector before anything is spawned. Random weights: no wording is checked.

import assert from 'node:assert/strict';
import path from 'node:path';
import { LlamaServer } from '../../src/core/engine/llamaServer';
import { checkModelPair } from '../../src/core/models/pairCheck';
import { ensureSyntheticPair, testModelsDirectory, type SyntheticPair, type SyntheticPresetName } from '../fixtures/gguf/presets';
import { generatedImagesDir, writeTestImage, type TestImagePattern } from '../fixtures/images';
import { rejectsWith } from '../fixtures/glimpseErrors';
import { measureImageTokens } from './imageTokenCount';

interface TestImage {
  readonly label: string;
  readonly width: number;
  readonly height: number;
  readonly pattern: TestImagePattern;
}

const testImages: readonly TestImage[] = [
  { label: 'small', width: 320, height: 240, pattern: 'quadrants' },
  { label: 'full HD screenshot', width: 1920, height: 1080, pattern: 'screenshot' },
  { label: 'tall page', width: 800, height: 3000, pattern: 'screenshot' },
];

const presets = ['tiny-gemma3', 'tiny-qwen2.5vl'] as const satisfies readonly SyntheticPresetName[];

function imagePath(image: TestImage): string {
  return path.join(generatedImagesDir, `family-gemma3-qwen25vl-${image.width}x${image.height}.png`);
}

async function pair(preset: SyntheticPresetName): Promise<SyntheticPair> {
  return ensureSyntheticPair(preset, testModelsDirectory(preset));
}

describe('Gemma 3 and Qwen2.5-VL families (real engine, tiny pairs)', function () {
  this.timeout(120_000);
  const servers: LlamaServer[] = [];

  before(async () => {
    for (const image of testImages) {
      await writeTestImage(imagePath(image), { width: image.width, height: image.height, format: 'png', pattern: image.pattern });
    }
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.dispose()));
  });

  for (const preset of presets) {
    it(`${preset}: llama-server loads the pair, streams an answer for an image, and each image takes the estimated tokens`, async () => {
      const files = await pair(preset);
      const engine = new LlamaServer({ threads: 2, contextSize: 4096, modelPath: files.modelPath, mmprojPath: files.mmprojPath });
      servers.push(engine);
      const loadStarted = performance.now();
      await engine.start();
      const loadMs = performance.now() - loadStarted;

      const rows: string[] = [];
      for (const image of testImages) {
        const answerStarted = performance.now();
        const { events, measured, predicted, sent } = await measureImageTokens(engine, imagePath(image), 8);
        const answerMs = performance.now() - answerStarted;
        const deltas = events.filter((event) => event.type === 'delta');
        const done = events.at(-1);
        assert.ok(deltas.length >= 2, `${image.label}: expected several streamed chunks, got ${deltas.length}`);
        assert.equal(done?.type === 'done' ? done.timings?.predictedTokens : undefined, 8, `${image.label}: 8 tokens generated`);
        assert.equal(measured, predicted, `${image.label} (${image.width}×${image.height}, sent ${sent.width}×${sent.height}): llama-server counted ${measured}, Glimpse estimates ${predicted}`);
        const timings = done?.type === 'done' ? done.timings : undefined;
        rows.push(`${image.label} ${image.width}×${image.height} sent ${sent.width}×${sent.height}: ${measured} tokens (estimate ${predicted}); ` +
          `server: prompt ${timings?.promptTokens} tokens incl. image encode in ${timings?.promptMs.toFixed(0)} ms, ${timings?.predictedTokens} generated in ` +
          `${timings?.predictedMs.toFixed(0)} ms; whole measurement (prepare, answer, text-only rerun) ${answerMs.toFixed(0)} ms`);
      }
      console.log(`      ${preset}: model ${files.model.fileSize} B, mmproj ${files.projector.fileSize} B, load ${loadMs.toFixed(0)} ms\n        ${rows.join('\n        ')}`);
    });
  }

  it('the pair check accepts tiny-gemma3 and tiny-qwen2.5vl with their own projectors', async () => {
    const gemma = await pair('tiny-gemma3');
    const gemmaInfo = await checkModelPair({ modelPath: gemma.modelPath, mmprojPath: gemma.mmprojPath });
    assert.equal(gemmaInfo.modelArchitecture, 'gemma3');
    assert.equal(gemmaInfo.vision && gemmaInfo.vision.projectorType, 'gemma3');
    assert.equal(gemmaInfo.vision && gemmaInfo.vision.projectionWidth, 64);

    const qwen25 = await pair('tiny-qwen2.5vl');
    const qwenInfo = await checkModelPair({ modelPath: qwen25.modelPath, mmprojPath: qwen25.mmprojPath });
    assert.equal(qwenInfo.modelArchitecture, 'qwen2vl');
    assert.equal(qwenInfo.vision && qwenInfo.vision.projectorType, 'qwen2.5vl_merger');
    assert.equal(qwenInfo.vision && qwenInfo.vision.projectionWidth, 128);
  });

  it('a Qwen2.5-VL model with a Qwen2-VL projector (and the reverse) is refused as pair-mismatch before llama-server is spawned', async () => {
    const qwen25 = await pair('tiny-qwen2.5vl');
    const qwen2 = await pair('tiny-qwen2vl');
    const crossings = [
      { modelPath: qwen25.modelPath, mmprojPath: qwen2.mmprojPath, widths: ['64-wide', 'expects 128'] },
      { modelPath: qwen2.modelPath, mmprojPath: qwen25.mmprojPath, widths: ['128-wide', 'expects 64'] },
    ];
    for (const crossing of crossings) {
      const engine = new LlamaServer({ threads: 2, contextSize: 2048, modelPath: crossing.modelPath, mmprojPath: crossing.mmprojPath });
      servers.push(engine);
      await assert.rejects(engine.start(), rejectsWith('pair-mismatch', ...crossing.widths));
      assert.equal(engine.current, undefined, 'no llama-server was started');
    }
  });
});
