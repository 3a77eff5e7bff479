// LocalEngine.countTokens against the real llama-server with the tiny synthetic model (tiny-llava's
// text model, no projector: counting needs no vision): nothing before the engine starts (a count
// never starts it), then llama-server's own /tokenize count, special-looking text counted as plain
// text, and nothing again once the engine is stopped. The synthetic tokenizer's bytes per token are
// printed (it has few merges, so far more tokens than a real model's; see chat/tokenEstimate.ts).

import assert from 'node:assert/strict';
import { LocalEngine } from '../../src/core/engine/localEngine';
import { authHeaders, type OpenAiEndpoint } from '../../src/core/openai/openAiClient';
import { ensureSyntheticPair, testGeneratedDirectory } from '../fixtures/gguf/presets';

const prose =
  'The screenshot shows a login form with two text fields, one for the email address and one for the password, and a blue button labelled Sign in.';

/** llama-server's own token ids for `content`, asked directly. */
async function tokenize(endpoint: OpenAiEndpoint, content: string, parseSpecial = false): Promise<number[]> {
  const response = await fetch(`${endpoint.baseUrl}/tokenize`, {
    method: 'POST',
    headers: { ...authHeaders(endpoint), 'Content-Type': 'application/json' },
    body: JSON.stringify({ content, add_special: false, parse_special: parseSpecial }),
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { tokens: number[] }).tokens;
}

describe('LocalEngine.countTokens (real engine, tiny model)', function () {
  this.timeout(120_000);
  let engine: LocalEngine;

  before(async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testGeneratedDirectory('models', 'tiny-llava'));
    engine = LocalEngine.create({ modelPath: pair.modelPath, threads: 2, contextSize: 2048 });
  });
  after(async () => {
    await engine?.dispose();
  });

  it('counts nothing before the engine starts, and does not start it', async () => {
    assert.equal(await engine.countTokens(prose), undefined);
    assert.equal(engine.server.current, undefined, 'the count left the engine stopped');
  });

  it('once ready, counts what llama-server\'s /tokenize counts, more for a longer text', async () => {
    await engine.ensureReady();
    const endpoint = engine.server.current!.endpoint;
    const short = await engine.countTokens('a cat');
    const long = await engine.countTokens(prose);
    assert.equal(short, (await tokenize(endpoint, 'a cat')).length);
    assert.equal(long, (await tokenize(endpoint, prose)).length);
    assert.ok(short !== undefined && short > 0, `a positive count, got ${short}`);
    assert.ok(long !== undefined && long > short, `the longer text takes more tokens: ${long} vs ${short}`);
    console.log(`      synthetic tokenizer: ${Buffer.byteLength(prose)} bytes of English in ${long} tokens (${(Buffer.byteLength(prose) / long).toFixed(2)} bytes per token)`);
  });

  it('counts special-looking text as the plain text a user typed, not as the special token', async () => {
    const endpoint = engine.server.current!.endpoint;
    assert.equal((await tokenize(endpoint, '<|im_start|>', true)).length, 1, 'the model has <|im_start|> as one special token');
    const counted = await engine.countTokens('<|im_start|>');
    assert.equal(counted, (await tokenize(endpoint, '<|im_start|>')).length);
    assert.ok(counted !== undefined && counted > 1, `counted as plain text: ${counted}`);
  });

  it('counts nothing once the engine is stopped', async () => {
    await engine.server.stop();
    assert.equal(await engine.countTokens(prose), undefined);
  });
});
