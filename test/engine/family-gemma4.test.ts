// Gemma 4 in the real llama-server, through the tiny-gemma4 pair: `gemma4` text with per-layer
// embeddings (as E2B/E4B) + `gemma4v` projector (dynamic resolution, 16 px patches pooled 3 × 3,
// 70 to 1120 tokens, between <|image> and <image|>). The pair loads and streams an answer for an
// image; each image takes the tokens Glimpse predicts for a small image, a 1920×1080 screenshot
// and a tall page; the pair check accepts the pair and refuses a crossed one. Measured counts
// and times are printed at the end.

import assert from 'node:assert/strict';
import path from 'node:path';
import { LlamaServer } from '../../src/core/engine/llamaServer';
import { GlimpseError } from '../../src/core/errors';
import { authHeaders } from '../../src/core/openai/openAiClient';
import { checkModelPair } from '../../src/core/models/pairCheck';
import { ensureSyntheticPair, type SyntheticPair } from '../fixtures/gguf/presets';
import { writeTestImage } from '../fixtures/images';
import { measureImageTokens } from './imageTokenCount';

const generated = path.resolve(__dirname, '../../../test/.generated');

const images = [
  // 96×64 → 96×48 aligned is 2 tokens, under 70: scaled up to 528×336, 11 × 7 = 77, + 2 markers
  { name: 'small', width: 96, height: 64, pattern: 'quadrants', tokens: 79 },
  // 1920×1080 fits the 1024-token budget (2 359 296 px) → 1920×1104: 40 × 23 = 920, + 2
  { name: '1920x1080', width: 1920, height: 1080, pattern: 'screenshot', tokens: 922 },
  // 1240×3508 → 913×2584 sent → 912×2592: 19 × 54 = 1026, + 2
  { name: 'tall page', width: 1240, height: 3508, pattern: 'screenshot', tokens: 1028 },
] as const;

describe('Gemma 4 family (real engine, tiny pair)', function () {
  this.timeout(120_000);
  let pair: SyntheticPair;
  const imagePaths: string[] = [];
  const servers: LlamaServer[] = [];
  const report: string[] = [];

  before(async () => {
    pair = await ensureSyntheticPair('tiny-gemma4', path.join(generated, 'models', 'tiny-gemma4'));
    for (const image of images) {
      const file = path.join(generated, 'images', `family-gemma4-${image.width}x${image.height}.png`);
      imagePaths.push(await writeTestImage(file, { width: image.width, height: image.height, format: 'png', pattern: image.pattern }));
    }
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.dispose()));
  });
  after(() => {
    if (report.length > 0) console.log(`\n    measured (threads 2, context 4096):\n${report.map((line) => `      ${line}`).join('\n')}`);
  });

  it('tiny-gemma4: loads, streams an answer for each image, and each image takes the tokens Glimpse predicts', async () => {
    report.push(`tiny-gemma4: model ${pair.model.fileSize} B, mmproj ${pair.projector.fileSize} B`);
    const engine = new LlamaServer({ threads: 2, contextSize: 4096, modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
    servers.push(engine);
    const loadStarted = Date.now();
    await engine.start();
    report.push(`tiny-gemma4: started (load + health) in ${Date.now() - loadStarted} ms`);

    for (const [index, image] of images.entries()) {
      const started = Date.now();
      const { events, measured, predicted, sent } = await measureImageTokens(engine, imagePaths[index], 8);
      const elapsed = Date.now() - started;
      const done = events.at(-1);
      assert.ok(events.filter((event) => event.type === 'delta').length >= 2, `${image.name}: expected several streamed chunks`);
      assert.equal(done?.type === 'done' && done.timings?.predictedTokens, 8, `${image.name}: the answer ran to its 8 tokens`);
      const timings = done?.type === 'done' ? done.timings : undefined;
      report.push(
        `tiny-gemma4 ${image.name} (sent ${sent.width}×${sent.height}): llama-server ${measured}, Glimpse ${predicted}; ` +
          `prompt with image ${timings?.promptMs.toFixed(0)} ms, 8 tokens ${timings?.predictedMs.toFixed(0)} ms, whole measurement ${elapsed} ms`,
      );
      assert.equal(measured, predicted, `${image.name} sent as ${sent.width}×${sent.height}: llama-server counted ${measured}, Glimpse predicts ${predicted}`);
      assert.equal(predicted, image.tokens, `${image.name}: the estimate is the hand-worked count`);
    }
  });

  it('tiny-gemma4 tokenizes as Gemma 4: a BOS in front, spaces as "▁" pieces, each marker one token', async () => {
    const engine = new LlamaServer({ threads: 2, contextSize: 4096, modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
    servers.push(engine);
    const { endpoint } = await engine.start();
    const response = await fetch(`${endpoint.baseUrl}/tokenize`, {
      method: 'POST',
      headers: { ...authHeaders(endpoint), 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: '<|turn>user\na cat<turn|><|image><image|>', add_special: true, parse_special: true, with_pieces: true }),
    });
    const { tokens } = (await response.json()) as { tokens: Array<{ piece: string }> };
    assert.deepEqual(tokens.map((token) => token.piece), ['<bos>', '<|turn>', 'u', 's', 'e', 'r', '\n', 'a', ' c', 'at', '<turn|>', '<|image>', '<image|>']);
  });

  it('a 31B-shaped pair (images decoded non-causally) starts with a micro-batch that holds an image, and answers a 922-token screenshot', async () => {
    const wide = await ensureSyntheticPair('tiny-gemma4-31b', path.join(generated, 'models', 'tiny-gemma4-31b'));
    const lines: string[] = [];
    const engine = new LlamaServer({ threads: 2, contextSize: 4096, modelPath: wide.modelPath, mmprojPath: wide.mmprojPath },
      { info: (line) => lines.push(line), warn() {}, error() {}, server() {} });
    servers.push(engine);
    const { events, measured } = await measureImageTokens(engine, imagePaths[1], 4);
    assert.equal(measured, 922, 'the 1920×1080 screenshot took its 920 embeddings and 2 markers');
    assert.equal(events.at(-1)?.type, 'done');
    assert.match(lines.find((line) => line.startsWith('Starting ')) ?? '', / -ub 1120 -b 2048 /);
  });

  it('the pair check accepts the pair (1536 wide on both sides) and refuses it crossed with the Qwen3-VL projector', async () => {
    const info = await checkModelPair(pair);
    assert.equal(info.modelArchitecture, 'gemma4');
    assert.equal(info.inputEmbeddingLength, 1536);
    assert.ok(info.vision);
    assert.equal(info.vision && info.vision.projectionWidth, 1536);
    assert.equal(info.vision && info.vision.spatialMergeSize, 3);

    const qwen3 = await ensureSyntheticPair('tiny-qwen3vl', path.join(generated, 'models', 'tiny-qwen3vl'));
    await assert.rejects(checkModelPair({ modelPath: pair.modelPath, mmprojPath: qwen3.mmprojPath }), (error: GlimpseError) =>
      error.code === 'pair-mismatch' && /produces 256-wide embeddings, the model expects 1536/.test(error.message));
  });
});
