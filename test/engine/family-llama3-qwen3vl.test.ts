// llava-llama-3 and Qwen3-VL in the real llama-server, through their tiny synthetic pairs:
//  - tiny-llava-llama3: `llama` text with a Llama-3 tokenizer + `mlp` projector at 336 px (576
//    image tokens whatever the image, no markers);
//  - tiny-qwen3vl: `qwen3vl` text (deepstack: input 4 × n_embd wide) + `qwen3vl_merger` projector
//    (dynamic resolution at 16 px patches merged 2×2, between <|vision_start|> and <|vision_end|>).
// For each: the pair loads and streams an answer for an image, and the tokens an image takes in
// llama-server's prompt equal Glimpse's estimate for a small image, a 1920×1080 screenshot and a
// tall page. The pair check accepts each matched pair and refuses crossed ones before a process
// starts. Measured counts and times are printed at the end.

import assert from 'node:assert/strict';
import path from 'node:path';
import { LlamaServer, type LlamaServerConfig } from '../../src/core/engine/llamaServer';
import { GlimpseError } from '../../src/core/errors';
import { authHeaders } from '../../src/core/openai/openAiClient';
import { checkModelPair } from '../../src/core/models/pairCheck';
import { llama3SpecialTokens } from '../fixtures/gguf/families/llama3';
import { ensureSyntheticPair, type SyntheticPair } from '../fixtures/gguf/presets';
import { writeTestImage } from '../fixtures/images';
import { measureImageTokens } from './imageTokenCount';

const generated = path.resolve(__dirname, '../../../test/.generated');
const presets = ['tiny-llava-llama3', 'tiny-qwen3vl'] as const;
type Preset = (typeof presets)[number];

const images = [
  { name: 'small', width: 96, height: 64, pattern: 'quadrants' },
  { name: '1920x1080', width: 1920, height: 1080, pattern: 'screenshot' },
  { name: 'tall page', width: 1240, height: 3508, pattern: 'screenshot' },
] as const;

/** What each preset's estimate must come to for the images above, as sent (see the unit tests). */
const expectedTokens: Readonly<Record<Preset, readonly number[]>> = {
  'tiny-llava-llama3': [576, 576, 576],
  // 96×64 → 96×64 sent: 3×2 = 6 < 8 tokens, scaled up to 128×96: 4×3 = 12, + 2 markers;
  // 1920×1080 → 1365×768 sent (1024-token budget) → 1376×768: 43×24 = 1032, + 2;
  // 1240×3508 → 608×1721 sent (fitWithinBudget gives up long-side pixels to stay under the
  // cap) → 608×1728: 19×54 = 1026, + 2.
  'tiny-qwen3vl': [14, 1034, 1028],
};

describe('llava-llama-3 and Qwen3-VL families (real engine, tiny pairs)', function () {
  this.timeout(120_000);
  const pairs = new Map<Preset, SyntheticPair>();
  const imagePaths: string[] = [];
  const servers: LlamaServer[] = [];
  const report: string[] = [];
  function server(config: LlamaServerConfig): LlamaServer {
    const created = new LlamaServer({ threads: 2, contextSize: 4096, ...config });
    servers.push(created);
    return created;
  }

  before(async () => {
    for (const preset of presets) pairs.set(preset, await ensureSyntheticPair(preset, path.join(generated, 'models', preset)));
    for (const image of images) {
      const file = path.join(generated, 'images', `family-llama3-qwen3vl-${image.width}x${image.height}.png`);
      imagePaths.push(await writeTestImage(file, { width: image.width, height: image.height, format: 'png', pattern: image.pattern }));
    }
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.dispose()));
  });
  after(() => {
    if (report.length > 0) console.log(`\n    measured (threads 2, context 4096):\n${report.map((line) => `      ${line}`).join('\n')}`);
  });

  for (const preset of presets) {
    it(`${preset}: loads, streams an answer for each image, and each image takes the tokens Glimpse predicts`, async () => {
      const pair = pairs.get(preset)!;
      report.push(`${preset}: model ${pair.model.fileSize} B, mmproj ${pair.projector.fileSize} B`);
      const engine = server({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
      const loadStarted = Date.now();
      await engine.start();
      report.push(`${preset}: started (load + health) in ${Date.now() - loadStarted} ms`);

      for (const [index, image] of images.entries()) {
        const answerStarted = Date.now();
        const { events, measured, predicted, sent } = await measureImageTokens(engine, imagePaths[index], 8);
        const elapsed = Date.now() - answerStarted;
        const deltas = events.filter((event) => event.type === 'delta');
        const done = events.at(-1);
        assert.ok(deltas.length >= 2, `${image.name}: expected several streamed chunks, got ${deltas.length}`);
        assert.equal(done?.type === 'done' && done.timings?.predictedTokens, 8, `${image.name}: the answer ran to its 8 tokens`);
        const timings = done?.type === 'done' ? done.timings : undefined;
        report.push(
          `${preset} ${image.name} (sent ${sent.width}×${sent.height}): llama-server ${measured}, Glimpse ${predicted}; ` +
            `prompt with image ${timings?.promptMs.toFixed(0)} ms, 8 tokens ${timings?.predictedMs.toFixed(0)} ms, ` +
            `whole measurement (prepare, answer, text-only count) ${elapsed} ms`,
        );
        assert.equal(measured, predicted, `${image.name} sent as ${sent.width}×${sent.height}: llama-server counted ${measured}, Glimpse predicts ${predicted}`);
        assert.equal(predicted, expectedTokens[preset][index], `${image.name}: the estimate is the hand-worked count`);
      }
    });
  }

  it('tiny-llava-llama3 tokenizes as Llama-3: header turns, a BOS in front, each special token one token', async () => {
    const pair = pairs.get('tiny-llava-llama3')!;
    const engine = server({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
    const { endpoint } = await engine.start();
    const post = async (route: string, body: unknown): Promise<unknown> => {
      const response = await fetch(`${endpoint.baseUrl}/${route}`, { method: 'POST', headers: { ...authHeaders(endpoint), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(response.status, 200, `${route}: ${await response.clone().text()}`);
      return response.json();
    };
    const { prompt } = (await post('apply-template', { messages: [{ role: 'user', content: 'hi' }] })) as { prompt: string };
    // llama-server drops the template's leading bos_token because the vocabulary adds one itself
    assert.equal(prompt, '<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n');
    const { tokens } = (await post('tokenize', { content: `x${llama3SpecialTokens.slice(1).join('')}`, add_special: true, parse_special: true, with_pieces: true })) as {
      tokens: Array<{ piece: string }>;
    };
    assert.deepEqual(tokens.map((token) => token.piece), ['<|begin_of_text|>', 'x', ...llama3SpecialTokens.slice(1)]);
  });

  it('the pair check accepts each matched pair, with the widths libmtmd compares', async () => {
    const llama3 = await checkModelPair(pairs.get('tiny-llava-llama3')!);
    assert.equal(llama3.modelArchitecture, 'llama');
    assert.equal(llama3.inputEmbeddingLength, 64);
    assert.ok(llama3.vision);
    assert.equal(llama3.vision && llama3.vision.projectionWidth, 64);

    const qwen3 = await checkModelPair(pairs.get('tiny-qwen3vl')!);
    assert.equal(qwen3.modelArchitecture, 'qwen3vl');
    assert.equal(qwen3.embeddingLength, 64);
    assert.equal(qwen3.inputEmbeddingLength, 64 * (1 + 3), 'n_embd × (1 + 3 deepstack layers)');
    assert.ok(qwen3.vision);
    assert.equal(qwen3.vision && qwen3.vision.projectionWidth, 64 * (1 + 3), 'mm.2 width × (1 + 3 deepstack mergers)');
  });

  it('a crossed pair (llava-llama-3 model, Qwen3-VL projector) is refused before llama-server starts, naming both widths', async () => {
    const llama3 = pairs.get('tiny-llava-llama3')!;
    const qwen3 = pairs.get('tiny-qwen3vl')!;
    const engine = server({ modelPath: llama3.modelPath, mmprojPath: qwen3.mmprojPath });
    await assert.rejects(engine.start(), (error: GlimpseError) =>
      error.code === 'pair-mismatch' && /produces 256-wide embeddings, the model expects 64/.test(error.message));
    assert.equal(engine.current, undefined);
    assert.equal(engine.lastExit, undefined, 'no process was started');
  });

  it('the other crossings are refused too: Qwen3-VL model with the llava-llama-3 or a Qwen2-VL projector', async () => {
    const qwen3 = pairs.get('tiny-qwen3vl')!;
    const qwen2 = await ensureSyntheticPair('tiny-qwen2vl', path.join(generated, 'models', 'tiny-qwen2vl'));
    for (const mmprojPath of [pairs.get('tiny-llava-llama3')!.mmprojPath, qwen2.mmprojPath]) {
      await assert.rejects(checkModelPair({ modelPath: qwen3.modelPath, mmprojPath }), (error: GlimpseError) =>
        error.code === 'pair-mismatch' && /produces 64-wide embeddings, the model expects 256/.test(error.message));
    }
  });
});
