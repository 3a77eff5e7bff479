// Bytes llama.cpp reads from memory to decode one token of a text model, from its GGUF header:
//  - every weight tensor of the blocks (and the norms) once: each is multiplied with one vector;
//  - the output head whole: `output.weight`, or `token_embd.weight` when the output is tied to the
//    embeddings (Qwen2.5-0.5B, the bench pair) — then the table is read whole for the head anyway;
//  - one row of the token embedding table for the lookup (get_rows reads only that row);
//  - the KV cache: every layer's keys and values for every position so far (F16 by default).
// Activations are a few KiB and stay in the caches; they are left out.

import { readGgufInfo } from '../src/core/models/ggufInfo';

export interface BytesPerToken {
  /** All tensors except the embedding table and the output head. */
  readonly blockWeightBytes: number;
  readonly outputHeadBytes: number;
  /** True when there is no `output.weight` and the embedding table doubles as the head. */
  readonly tiedOutput: boolean;
  readonly embeddingRowBytes: number;
  /** Keys and values of all layers for one position. */
  readonly kvBytesPerPosition: number;
  readonly contextTokens: number;
  readonly kvBytes: number;
  readonly totalBytes: number;
}

export async function bytesReadPerToken(modelPath: string, contextTokens: number, kvBytesPerValue = 2): Promise<BytesPerToken> {
  const info = await readGgufInfo(modelPath, { role: 'model' });
  const architecture = info.architecture ?? 'llama';
  const key = (name: string) => info.number(`${architecture}.${name}`);
  const size = (tensorName: string) => info.tensor(tensorName)?.byteSize ?? 0;

  const embedding = info.tensor('token_embd.weight');
  if (!embedding?.byteSize) throw new Error(`${modelPath} has no token_embd.weight of a known size`);
  const output = info.tensor('output.weight');
  const tiedOutput = output === undefined;
  const outputHeadBytes = tiedOutput ? embedding.byteSize : size('output.weight');
  const blockWeightBytes = info.tensors
    .filter((tensor) => tensor.name !== 'token_embd.weight' && tensor.name !== 'output.weight')
    .reduce((sum, tensor) => sum + (tensor.byteSize ?? 0), 0);
  const embeddingRowBytes = embedding.byteSize / (embedding.dimensions[1] ?? 1);

  const layers = key('block_count') ?? 0;
  const heads = key('attention.head_count') ?? 1;
  const kvHeads = key('attention.head_count_kv') ?? heads;
  const headDimension = (key('embedding_length') ?? 0) / heads;
  const keyLength = key('attention.key_length') ?? headDimension;
  const valueLength = key('attention.value_length') ?? headDimension;
  const kvBytesPerPosition = layers * kvHeads * (keyLength + valueLength) * kvBytesPerValue;
  const kvBytes = kvBytesPerPosition * contextTokens;

  return {
    blockWeightBytes,
    outputHeadBytes,
    tiedOutput,
    embeddingRowBytes,
    kvBytesPerPosition,
    contextTokens,
    kvBytes,
    totalBytes: blockWeightBytes + outputHeadBytes + embeddingRowBytes + kvBytes,
  };
}
