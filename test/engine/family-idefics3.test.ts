// SmolVLM (`llama` text + `idefics3` projector) in the real llama-server, with the tiny synthetic
// pairs that carry the published image-side hyperparameters (512 px tiles, patch 16, scale factor
// 4, 2048 px longest edge): the pair loads and streams an answer for an image, every image takes
// exactly the tokens Glimpse predicts (tiles, overview and their markers), and the pair check
// refuses the 256M model with the 500M projector before anything is spawned. Random weights: the
// text is gibberish, so only structure and counts are asserted.

import assert from 'node:assert/strict';
import { LlamaServer } from '../../src/core/engine/llamaServer';
import { LocalEngine } from '../../src/core/engine/localEngine';
import { EncodeSpeeds, type EncodeSpeedKey } from '../../src/core/models/encodeSpeed';
import { GlimpseError } from '../../src/core/errors';
import { checkModelPair } from '../../src/core/models/pairCheck';
import { ensureSyntheticPair, testGeneratedDirectory, type SyntheticPair } from '../fixtures/gguf/presets';
import { writeTestImage } from '../fixtures/images';
import { measureImageTokens } from './imageTokenCount';

const presets = ['tiny-smolvlm-500m', 'tiny-smolvlm-256m'] as const;

/** Small (scaled up to 2048×1536), full HD, 4K (sent at 2048×1152), a tall page (2 × 4 tiles). */
const imageSizes = [
  { width: 320, height: 240 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
  { width: 1280, height: 4000 },
] as const;

async function pairOf(preset: (typeof presets)[number]): Promise<SyntheticPair> {
  return ensureSyntheticPair(preset, testGeneratedDirectory('models', preset));
}

describe('SmolVLM family (idefics3) in llama-server (tiny pairs)', function () {
  this.timeout(120_000);
  const images = new Map<string, string>();
  const report: string[] = [];

  before(async () => {
    for (const { width, height } of imageSizes) {
      const file = testGeneratedDirectory('images', `idefics3-${width}x${height}.png`);
      images.set(`${width}×${height}`, await writeTestImage(file, { width, height, format: 'png', pattern: 'screenshot' }));
    }
  });
  after(() => {
    if (report.length > 0) console.log(`      measured (llama-server) vs predicted image tokens:\n${report.map((line) => `        ${line}`).join('\n')}`);
  });

  for (const preset of presets) {
    describe(preset, () => {
      let engine: LlamaServer;
      before(async () => {
        const pair = await pairOf(preset);
        engine = new LlamaServer({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, threads: 2, contextSize: 4096 });
        const started = Date.now();
        await engine.start();
        report.push(`${preset}: model ${pair.model.fileSize} B, mmproj ${pair.projector.fileSize} B, start ${Date.now() - started} ms`);
      });
      after(async () => {
        await engine?.dispose();
      });

      it('streams an answer for an image', async () => {
        const started = Date.now();
        const { events } = await measureImageTokens(engine, images.get('320×240')!, 16);
        const done = events.at(-1);
        assert.ok(events.filter((event) => event.type === 'delta').length >= 2, 'several streamed chunks');
        assert.equal(done?.type, 'done');
        if (done?.type !== 'done') return;
        assert.equal(done.finishReason, 'length');
        assert.equal(done.timings?.predictedTokens, 16);
        report.push(`${preset}: an answer with a 320×240 image (and the text-only count) in ${Date.now() - started} ms`);
      });

      for (const { width, height } of imageSizes) {
        it(`a ${width}×${height} image takes the tokens Glimpse predicts`, async () => {
          const started = Date.now();
          const { measured, predicted, sent, events } = await measureImageTokens(engine, images.get(`${width}×${height}`)!, 1);
          const done = events.at(-1);
          const promptMs = done?.type === 'done' ? Math.round(done.timings?.promptMs ?? NaN) : NaN;
          report.push(`${preset} ${width}×${height} (sent ${sent.width}×${sent.height}): measured ${measured}, predicted ${predicted}; ` +
            `${Date.now() - started} ms in all, the server's prompt with the image ${promptMs} ms`);
          assert.ok(Math.max(sent.width, sent.height) <= 2048, `sent ${sent.width}×${sent.height}, more than libmtmd keeps`);
          assert.equal(measured, predicted, `the image took ${measured} tokens, Glimpse predicts ${predicted}`);
        });
      }
    });
  }

  describe('tiny-smolvlm-500m under the first-token budget (--image-max-tokens 128)', () => {
    let engine: LlamaServer;
    let local: LocalEngine;
    const speeds = new EncodeSpeeds();
    let key: EncodeSpeedKey;
    before(async () => {
      const pair = await pairOf('tiny-smolvlm-500m');
      // What LocalEngine picks for a 10 s budget at 70 ms per visual token (the tiny pair's own
      // speed, ~0.2 ms, would need no cap).
      engine = new LlamaServer({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, threads: 2, contextSize: 4096, firstTokenBudgetSeconds: 10 });
      local = new LocalEngine(engine, speeds);
      const info = await engine.pairInfo();
      key = { modelPath: info.modelPath, modelFileSize: info.modelFileSize, mmprojPath: pair.mmprojPath, mmprojFileSize: pair.projector.fileSize, threads: 2 };
      await speeds.record(key, 7000, 100);
      await local.ensureReady();
      assert.equal(engine.current?.imageMaxTokens, 128, 'LocalEngine set --image-max-tokens from the measured speed');
    });
    after(async () => {
      await engine?.dispose();
    });
    for (const { width, height } of imageSizes.slice(1)) {
      it(`a ${width}×${height} image takes the tokens Glimpse predicts for the cap`, async () => {
        const { measured, predicted } = await measureImageTokens(local, images.get(`${width}×${height}`)!, 1);
        report.push(`tiny-smolvlm-500m at --image-max-tokens 128, ${width}×${height}: measured ${measured}, predicted ${predicted}`);
        assert.equal(measured, predicted, `the image took ${measured} tokens, Glimpse predicts ${predicted}`);
        assert.ok(measured < 862, 'fewer tiles than without the cap');
      });
    }
    it('the answers above were timed: the median moved from the seeded 70 ms to the tiny pair\'s own speed', async () => {
      await measureImageTokens(local, images.get('1920×1080')!, 1);
      const median = await speeds.msPerVisualToken(key);
      // 70 ms seeded, then one sample per answer about an image (~0.3 ms each for this tiny pair)
      assert.ok(median !== undefined && median < 10, `median ${median} ms per visual token`);
    });
  });

  it('the pair check accepts both matched pairs and refuses the 256M model with the 500M projector before spawning', async () => {
    const large = await pairOf('tiny-smolvlm-500m');
    const small = await pairOf('tiny-smolvlm-256m');
    for (const pair of [large, small]) {
      const info = await checkModelPair({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
      assert.ok(info.vision);
      assert.equal(info.vision && info.vision.projectionWidth, info.inputEmbeddingLength);
    }
    const crossed = { modelPath: small.modelPath, mmprojPath: large.mmprojPath };
    await assert.rejects(checkModelPair(crossed), (error: GlimpseError) =>
      error.code === 'pair-mismatch' && /96-wide/.test(error.message) && /expects 48/.test(error.message));

    const engine = new LlamaServer({ ...crossed, threads: 2, contextSize: 4096 });
    try {
      await assert.rejects(engine.start(), (error: GlimpseError) => error.code === 'pair-mismatch');
      assert.equal(engine.current, undefined);
      assert.equal(engine.lastExit, undefined, 'no process was started, so none exited');
    } finally {
      await engine.dispose();
    }
  });
});

