// The arithmetic behind the `tokens` and `bandwidth` benchmark sections: image tokens read from a
// llama-server log, bytes read per decoded token from a model's GGUF header, ViT encoder FLOPs.

import assert from 'node:assert/strict';
import { bytesReadPerToken } from '../../../bench/bytesPerToken';
import { imageTokensInLog } from '../../../bench/visualTokens';
import { clipVitB16, vitEncoderFlops } from '../../../bench/vitEncodeCost';
import { ensureSyntheticPair, testModelsDirectory } from '../../fixtures/gguf/presets';

describe('bench: image tokens in the server log', () => {
  it('sums n_tokens_batch over the image batches and takes the text tokens off the prompt total', () => {
    // Lines as llama-server (de3ff81) prints them at -lv 4 for a 4080-token Qwen2-VL image.
    const lines = [
      '0.02.083.440 I slot process_mtmd: id  0 | task 0 | encoding mtmd batch from idx = 6, n_chunks = 1',
      '0.03.588.187 I decoding image batch 1/2, n_tokens_batch = 2048',
      '0.03.639.368 I image decoded (batch 1/2) in 51 ms',
      '0.03.639.483 I decoding image batch 2/2, n_tokens_batch = 2032',
      '0.03.730.151 I image decoded (batch 2/2) in 90 ms',
      '0.03.730.556 I slot init_sampler: id  0 | task 0 | init sampler, took 0.07 ms, tokens: text = 24, total = 4104',
    ];
    assert.deepEqual(imageTokensInLog(lines), { batchTokens: 4080, promptImageTokens: 4080 });
  });

  it('reports nothing for a request without an image', () => {
    assert.deepEqual(imageTokensInLog(['0.00.916.820 I slot print_timing: id  0 | task 0 | prompt eval time = 1.0 ms / 9 tokens']), {
      batchTokens: undefined,
      promptImageTokens: undefined,
    });
  });
});

describe('bench: bytes read per decoded token', () => {
  it('counts the tiny-llava weights once, its tied embedding table as the output head, and the F16 KV cache', async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    const bytes = await bytesReadPerToken(pair.modelPath, 100);
    // tiny-llava: F32, 64-d, 2 layers, 4 heads / 2 KV heads (head dim 16), ffn 128, vocab 512.
    const perLayer = 4 * (64 + 64 * 64 + 64 * 32 + 64 * 32 + 64 * 64 + 64 + 3 * 64 * 128);
    assert.equal(bytes.tiedOutput, true);
    assert.equal(bytes.blockWeightBytes, 2 * perLayer + 4 * 64); // + output_norm
    assert.equal(bytes.outputHeadBytes, 4 * 64 * 512);
    assert.equal(bytes.embeddingRowBytes, 4 * 64);
    assert.equal(bytes.kvBytesPerPosition, 2 * 2 * (16 + 16) * 2); // layers × KV heads × (K + V) × F16
    assert.equal(bytes.kvBytes, 100 * bytes.kvBytesPerPosition);
    assert.equal(bytes.totalBytes, bytes.blockWeightBytes + bytes.outputHeadBytes + bytes.embeddingRowBytes + bytes.kvBytes);
  });
});

describe('bench: ViT encoder FLOPs', () => {
  it('gives CLIP ViT-B/16 at 224 px (197 positions) about 35 GFLOP', () => {
    // 12 layers × (2 × 197 × 7.08 M weights + 4 × 197² × 768 attention) + the patch embedding.
    const flops = vitEncoderFlops(clipVitB16, 197);
    assert.ok(Math.abs(flops - 35.1e9) < 0.1e9, `got ${flops}`);
  });

  it('grows faster than the patch count: attention is quadratic', () => {
    const ratio = vitEncoderFlops(clipVitB16, 4 * 1024) / vitEncoderFlops(clipVitB16, 1024);
    assert.ok(ratio > 4.5, `got ${ratio}`);
  });
});
