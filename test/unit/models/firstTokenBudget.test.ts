// The first-token budget: idefics3's token count under llama-server's --image-max-tokens (numbers
// measured with the real-shape SmolVLM 500M pair in llama-server: 1920×1080 took 862 tokens
// uncapped, 134 at caps 64 and 128, 200 at 192 and 256, 266 at 384), the plan for each kind of
// projector, the stored speeds, and the note the image strip shows.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EncodeSpeeds } from '../../../src/core/models/encodeSpeed';
import { planFirstToken } from '../../../src/core/models/firstTokenBudget';
import { firstTokenNote } from '../../../src/core/models/firstTokenNote';
import { estimateImageTokens } from '../../../src/core/models/imageTokens';
import type { ModelPairInfo, VisionProjectorInfo } from '../../../src/core/models/pairCheck';

const smolVision: VisionProjectorInfo = {
  mmprojPath: '/m/mmproj.gguf', fileSize: 108_782_112, projectorType: 'idefics3', hasVisionEncoder: true, imageSize: 512, patchSize: 16,
  spatialMergeSize: undefined, projectionWidth: 960, visionEmbeddingLength: 768, tiled: false, scaleFactor: 4, preprocessImageSize: 2048,
};
const qwenVision: VisionProjectorInfo = {
  mmprojPath: '/m/q-mmproj.gguf', fileSize: 700_000_000, projectorType: 'qwen2vl_merger', hasVisionEncoder: true, imageSize: 560, patchSize: 14,
  spatialMergeSize: 2, projectionWidth: 1536, visionEmbeddingLength: 1280, tiled: false,
};
const llavaVision: VisionProjectorInfo = { ...qwenVision, projectorType: 'mlp', imageSize: 336, spatialMergeSize: undefined };

function pairWith(vision: VisionProjectorInfo | false, modelFileSize = 436_455_584): ModelPairInfo {
  return { modelPath: '/m/model.gguf', modelFileSize, modelName: 'm', modelArchitecture: 'llama', embeddingLength: 960, inputEmbeddingLength: 960, contextLength: 8192, blockCount: 32, vision };
}

const fullHd = { width: 1920, height: 1080 };

describe('first-token budget', () => {
  describe('idefics3 tokens under --image-max-tokens (as llama-server counted them)', () => {
    for (const [cap, tokens] of [[0, 862], [64, 134], [128, 134], [192, 200], [256, 200], [384, 266]] as const) {
      it(`1920×1080 at cap ${cap || 'none'}: ${tokens}`, () => {
        assert.equal(estimateImageTokens(smolVision, fullHd, cap ? { maxTokens: cap } : {}), tokens);
      });
    }
    it('a tall page keeps at least one tile across: 500×5000 at cap 128 is 1×4 tiles', () => {
      // beta = √(2.5 M / 524288) ≈ 2.18: width 229 → 0 → 512 (one tile), height 2291 → 2048
      assert.equal(estimateImageTokens(smolVision, { width: 500, height: 5000 }, { maxTokens: 128 }), 4 * 66 + 3 + 68);
    });
  });

  describe('planFirstToken', () => {
    const measured = 47; // ms per visual token, SmolVLM 500M on 2 threads
    it('idefics3: the largest cap whose every reference shape fits the budget', () => {
      const plan = planFirstToken(pairWith(smolVision), { budgetSeconds: 10, measuredMsPerVisualToken: measured, threads: 2, accelerated: false });
      assert.equal(plan.serverMaxImageTokens, 192); // 1920×1080 → 200 tokens ≈ 9.4 s; 256 would give a square 4 tiles (333)
      assert.equal(plan.maxImageTokens, undefined);
      assert.equal(plan.measured, true);
    });
    it('idefics3: one tile when even that is over the budget; no cap when the full size fits', () => {
      assert.equal(planFirstToken(pairWith(smolVision), { budgetSeconds: 3, measuredMsPerVisualToken: measured, threads: 2, accelerated: false }).serverMaxImageTokens, 64);
      assert.equal(planFirstToken(pairWith(smolVision), { budgetSeconds: 60, measuredMsPerVisualToken: measured, threads: 2, accelerated: false }).serverMaxImageTokens, undefined);
    });
    it('a measured text cost comes off the budget first (300 prompt tokens)', () => {
      // 10 s − 300 × 10 ms = 7 s for the image at 34 ms per visual token: 205 tokens, cap 192
      // (a portrait 768×1024 then takes 2 tiles in 2 rows: 201)
      const plan = planFirstToken(pairWith(smolVision), { budgetSeconds: 10, measuredMsPerVisualToken: 34, measuredMsPerTextToken: 10, threads: 2, accelerated: false });
      assert.equal(plan.textMs, 3000);
      assert.equal(plan.serverMaxImageTokens, 192);
      assert.equal(planFirstToken(pairWith(smolVision), { budgetSeconds: 10, measuredMsPerVisualToken: 34, measuredMsPerTextToken: 30, threads: 2, accelerated: false }).serverMaxImageTokens, 64);
    });
    it('no budget, no cap', () => {
      assert.equal(planFirstToken(pairWith(smolVision), { budgetSeconds: 0, measuredMsPerVisualToken: measured, threads: 2, accelerated: false }).serverMaxImageTokens, undefined);
    });
    it('before any measurement: a prior from the file sizes on a CPU, none with an accelerator', () => {
      const prior = planFirstToken(pairWith(smolVision), { budgetSeconds: 10, threads: 2, accelerated: false });
      assert.equal(prior.measured, false);
      // 2 · 108.8 MB · 16 patches + 2 · 436 MB ≈ 4.35 GFLOP per token at 80 GFLOP/s: ≈ 54 ms (measured here: 40–50)
      assert.ok(prior.msPerVisualToken! > 40 && prior.msPerVisualToken! < 70, `prior ${prior.msPerVisualToken}`);
      assert.ok(prior.serverMaxImageTokens !== undefined);
      const gpu = planFirstToken(pairWith(smolVision), { budgetSeconds: 10, threads: 2, accelerated: true });
      assert.equal(gpu.msPerVisualToken, undefined);
      assert.equal(gpu.serverMaxImageTokens, undefined);
    });
    it('dynamic resolution: a per-request token cap, never below the model minimum', () => {
      assert.equal(planFirstToken(pairWith(qwenVision), { budgetSeconds: 10, measuredMsPerVisualToken: 40, threads: 2, accelerated: false }).maxImageTokens, 250);
      assert.equal(planFirstToken(pairWith(qwenVision), { budgetSeconds: 0.1, measuredMsPerVisualToken: 40, threads: 2, accelerated: false }).maxImageTokens, 8);
      assert.equal(planFirstToken(pairWith(qwenVision), { budgetSeconds: 100, measuredMsPerVisualToken: 40, threads: 2, accelerated: false }).maxImageTokens, undefined);
    });
    it('fixed size and text-only: nothing to trade', () => {
      const fixed = planFirstToken(pairWith(llavaVision), { budgetSeconds: 1, measuredMsPerVisualToken: 40, threads: 2, accelerated: false });
      assert.equal(fixed.maxImageTokens, undefined);
      assert.equal(fixed.serverMaxImageTokens, undefined);
      assert.equal(planFirstToken(pairWith(false), { budgetSeconds: 1, threads: 2, accelerated: false }).msPerVisualToken, undefined);
    });
  });

  describe('firstTokenNote', () => {
    const sent = { ...fullHd, originalWidth: 1920, originalHeight: 1080 };
    it('says the size seen, the budget, the full cost and that small text is lost', () => {
      const plan = planFirstToken(pairWith(smolVision), { budgetSeconds: 10, measuredMsPerVisualToken: 47, threads: 2, accelerated: false });
      const note = firstTokenNote(smolVision, plan, sent, plan.serverMaxImageTokens);
      assert.equal(note, 'Seen at 1024×512 to answer within ~10 s (the full size would take ~41 s, as timed on this machine); ' +
        'small text is unreadable at 47%: crop to the part that matters, or raise "glimpse.firstTokenBudgetSeconds".');
    });
    it('says when even the least the model takes is over the budget', () => {
      const plan = planFirstToken(pairWith(smolVision), { budgetSeconds: 3, measuredMsPerVisualToken: 47, threads: 2, accelerated: false });
      assert.match(firstTokenNote(smolVision, plan, sent, plan.serverMaxImageTokens) ?? '', /^Seen at 512×512, the least this model takes: ~6\.3 s here, over the 3 s budget/);
    });
    it('nothing when nothing was traded', () => {
      const plan = planFirstToken(pairWith(smolVision), { budgetSeconds: 60, measuredMsPerVisualToken: 47, threads: 2, accelerated: false });
      assert.equal(firstTokenNote(smolVision, plan, sent, plan.serverMaxImageTokens), undefined);
    });
  });

  describe('EncodeSpeeds', () => {
    const key = { modelPath: '/a/model.gguf', modelFileSize: 10, mmprojPath: '/a/mmproj.gguf', mmprojFileSize: 5, threads: 2 };
    let dir: string;
    beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'glimpse-speeds-')); });
    afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

    it('keeps the median of the last samples per pair and threads, across instances', async () => {
      const file = path.join(dir, 'sub', 'speeds.json');
      const speeds = new EncodeSpeeds(file);
      assert.equal(await speeds.msPerVisualToken(key), undefined);
      await speeds.record(key, 4000, 100);
      await speeds.record(key, 9000, 100); // a busy moment
      await speeds.record(key, 5000, 100);
      assert.equal(await speeds.msPerVisualToken(key), 50);
      assert.equal(await new EncodeSpeeds(file).msPerVisualToken(key), 50);
      assert.equal(await new EncodeSpeeds(file).msPerVisualToken({ ...key, threads: 4 }), undefined);
      await speeds.record(key, 0, 100);
      await speeds.record(key, 100, 0);
      const stored = Object.values(JSON.parse(await readFile(file, 'utf8')).models) as { samples: number[] }[];
      assert.deepEqual(stored.map((model) => model.samples), [[40, 90, 50]], 'the two empty figures were not kept');
    });
    it('keeps the text figure beside the image one', async () => {
      const file = path.join(dir, 'speeds.json');
      const speeds = new EncodeSpeeds(file);
      await speeds.record(key, 400, 40, 'text');
      await speeds.record(key, 5000, 100);
      assert.deepEqual(await new EncodeSpeeds(file).measured(key), { msPerVisualToken: 50, msPerTextToken: 10 });
    });
    it('a damaged file is an empty store, written again by the next sample', async () => {
      const file = path.join(dir, 'speeds.json');
      await writeFile(file, '{ not json');
      const speeds = new EncodeSpeeds(file);
      assert.equal(await speeds.msPerVisualToken(key), undefined);
      await speeds.record(key, 3000, 100);
      assert.equal(await new EncodeSpeeds(file).msPerVisualToken(key), 30);
    });
  });
});
