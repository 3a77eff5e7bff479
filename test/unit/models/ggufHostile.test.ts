// The GGUF header reader against hostile headers: each declares something no real file does, and
// each must be refused in Glimpse's words within a second or two, without the process that asked
// growing by more than a few MB (the reader walks past what it does not keep and checks every
// declared size against the file before reading it).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readGgufInfo } from '../../../src/core/models/ggufInfo';
import { checkModelPair } from '../../../src/core/models/pairCheck';
import { GgufType, HeaderBytes, ggufBytes, ggufFile, stringValue, textModelKeys, u32Value, type HeaderParts } from '../../fixtures/gguf/hostileHeaders';
import { ensureSyntheticPair, testGeneratedDirectory, testModelsDirectory } from '../../fixtures/gguf/presets';
import { rejectsWith } from '../../fixtures/glimpseErrors';
import type { GlimpseErrorCode } from '../../../src/core/errors';

const directory = testGeneratedDirectory('bad-files', 'gguf-hostile');
/** What the asking process may grow by over the whole suite. */
const rssCapBytes = 64 << 20;

/** Every hostile file the tests wrote, read again at the end to measure the process's growth. */
const hostileFiles: string[] = [];

async function refused(name: string, parts: HeaderParts, code: GlimpseErrorCode, ...texts: string[]): Promise<void> {
  const file = await ggufFile(directory, name, ggufBytes(parts), 64);
  hostileFiles.push(file);
  await assert.rejects(readGgufInfo(file, { role: 'model' }), rejectsWith(code, name, ...texts));
}

const array = (key: string, itemType: number, count: bigint | number, items: (bytes: HeaderBytes) => void = () => {}) =>
  (bytes: HeaderBytes) => items(bytes.string(key).u32(GgufType.array).u32(itemType).u64(count));

describe('readGgufInfo on hostile headers', function () {
  this.timeout(5000);

  before(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  it('a 330-byte file declaring 2^31 array items is refused without allocating them', async () => {
    const header = ggufBytes({ keyValues: [...textModelKeys(), array('general.tags', GgufType.u8, 2n ** 31n)] });
    const file = await ggufFile(directory, 'huge-array.gguf', Buffer.concat([header, Buffer.alloc(330 - header.length)]));
    hostileFiles.push(file);
    const size = (await fs.stat(file)).size;
    await assert.rejects(
      readGgufInfo(file, { role: 'model' }),
      rejectsWith('file-unreadable', 'The model file huge-array.gguf declares 2147483648 array items for the array "general.tags"', `in a ${size}-byte file`, 'damaged, cut off, or not a GGUF'),
    );
  });

  it('2^31 strings under the vocabulary key, which is walked past, are refused just the same', () =>
    refused('huge-vocabulary.gguf', { keyValues: [...textModelKeys(), array('tokenizer.ggml.tokens', GgufType.string, 2n ** 31n)] }, 'file-unreadable', 'declares 2147483648 array items', 'tokenizer.ggml.tokens'));

  it('a tensor with 2^32 − 1 dimensions is refused at its dimension count', () =>
    refused('many-dimensions.gguf', { keyValues: textModelKeys(), tensors: [{ name: 'w', dimensions: [4], dimensionCount: 2 ** 32 - 1 }] }, 'file-unreadable', 'declares 4294967295 dimensions for tensor "w"', 'at most 4'));

  it('arrays nested 50,000 deep are refused at the first nesting, not recursed into', async () => {
    const nested = (bytes: HeaderBytes) => {
      bytes.string('general.nested').u32(GgufType.array);
      for (let depth = 0; depth < 50_000; depth++) bytes.u32(GgufType.array).u64(1);
    };
    await refused('nested-arrays.gguf', { keyValues: [...textModelKeys(), nested] }, 'file-unreadable', 'array of arrays under "general.nested"', 'llama.cpp does not read');
  });

  for (const exponent of [40n, 62n]) {
    it(`a string that declares 2^${exponent} bytes is refused with llama.cpp's limit, not a Node range error`, () =>
      refused(`string-2e${exponent}.gguf`, { keyValues: [...textModelKeys(), (bytes) => bytes.string('general.name').u32(GgufType.string).u64(2n ** exponent)] },
        'file-unreadable', `declares ${2n ** exponent} bytes for the key "general.name"`, 'llama.cpp reads at most 1073741824'));
  }

  it('a key longer than what is left of the file, though not than the file, is a cut-off header', () =>
    refused('key-past-end.gguf', { keyValues: [(bytes) => bytes.u64(80)] }, 'file-truncated', 'inside its GGUF header'));

  it('a key longer than the whole file is damage', () =>
    refused('key-over-file.gguf', { keyValues: [(bytes) => bytes.u64(5000)] }, 'file-unreadable', 'declares 5000 bytes for key 0 in a 96-byte file'));

  it('a key-value count the file cannot hold is refused before reading any', () =>
    refused('huge-kv-count.gguf', { keyValues: textModelKeys(), keyValueCount: 2n ** 62n }, 'file-unreadable', 'declares 0 tensors and 4611686018427387904 key-values'));

  for (const [alignment, why] of [[0, 'not a power of two'], [48, 'not a power of two']] as const) {
    it(`general.alignment ${alignment} is refused (${why}), as llama.cpp does`, () =>
      refused(`alignment-${alignment}.gguf`, { keyValues: [...textModelKeys(), u32Value('general.alignment', alignment)] }, 'file-unreadable', `general.alignment ${alignment}, which is ${why}`));
  }

  it('general.alignment stored as a string is refused', () =>
    refused('alignment-string.gguf', { keyValues: [...textModelKeys(), stringValue('general.alignment', '32')] }, 'file-unreadable', 'general.alignment stored as string; llama.cpp requires a uint32'));

  it('two tensors with one name are refused', () =>
    refused('duplicate-tensors.gguf', { keyValues: textModelKeys(), tensors: [{ name: 'w', dimensions: [8] }, { name: 'w', dimensions: [8] }] }, 'file-unreadable', 'two tensors named "w"'));

  it('a key given twice is refused', () =>
    refused('duplicate-keys.gguf', { keyValues: [...textModelKeys(), stringValue('general.name', 'a'), stringValue('general.name', 'b')] }, 'file-unreadable', 'the key "general.name" twice'));

  it('an empty key is refused', () =>
    refused('empty-key.gguf', { keyValues: [...textModelKeys(), stringValue('', 'x')] }, 'file-unreadable', 'an empty key'));

  it('an unknown value type is refused', () =>
    refused('value-type-13.gguf', { keyValues: [...textModelKeys(), (bytes) => bytes.string('general.x').u32(13).u32(0)] }, 'file-unreadable', 'unknown value type 13'));

  it('a tensor of a ggml type llama.cpp removed (31, Q4_0_4_4) is refused', () =>
    refused('removed-type.gguf', { keyValues: textModelKeys(), tensors: [{ name: 'w', dimensions: [32], type: 31 }] }, 'file-unreadable', 'ggml type 31'));

  it('a Q8_0 tensor whose rows are not whole 32-value blocks is refused', () =>
    refused('partial-block.gguf', { keyValues: textModelKeys(), tensors: [{ name: 'w', dimensions: [33], type: 8 }] }, 'file-unreadable', '33 values per row', '32-value blocks'));

  it('a tensor whose element count overflows int64 is refused', () =>
    refused('overflow.gguf', { keyValues: textModelKeys(), tensors: [{ name: 'w', dimensions: [2n ** 40n, 2n ** 40n] }] }, 'file-unreadable', 'more than llama.cpp can count'));

  it('a negative dimension is refused', () =>
    refused('negative.gguf', { keyValues: textModelKeys(), tensors: [{ name: 'w', dimensions: [-4] }] }, 'file-unreadable', 'declares -4 elements along axis 0'));

  it('tensors out of order (an offset that is not the packed one) are refused', () =>
    refused('gapped.gguf', { keyValues: textModelKeys(), tensors: [{ name: 'a', dimensions: [8] }, { name: 'b', dimensions: [8], offset: 4096 }] }, 'file-unreadable', 'places tensor "b" at data offset 4096, where llama.cpp expects 32'));

  it('a tensor name of 64 bytes (ggml keeps 63) is refused', () =>
    refused('long-name.gguf', { keyValues: textModelKeys(), tensors: [{ name: 'n'.repeat(64), dimensions: [8] }] }, 'file-unreadable', 'tensor name of 64 bytes'));

  it('a header that takes longer than its deadline is stopped and refused', async () => {
    const tokens = array('tokenizer.ggml.tokens', GgufType.string, 400_000, (bytes) => {
      for (let index = 0; index < 400_000; index++) bytes.string('t');
    });
    const file = await ggufFile(directory, 'slow.gguf', ggufBytes({ keyValues: [...textModelKeys(), tokens] }));
    hostileFiles.push(file);
    await assert.rejects(readGgufInfo(file, { limits: { timeoutMs: 1, maxHeapMb: 64 } }), rejectsWith('file-unreadable', 'took longer than', 'to read its header'));
  });

  it('a header whose kept values outgrow the heap limit stops the reader, not the process', async () => {
    // 60 strings of 1 MiB, each just under what the reader keeps: written piece by piece
    const file = path.join(directory, 'heap.gguf');
    const count = 60;
    await fs.writeFile(file, ggufBytes({ keyValues: textModelKeys(), keyValueCount: BigInt(textModelKeys().length + count) }));
    const blob = Buffer.alloc(1 << 20, 'x');
    for (let index = 0; index < count; index++) {
      await fs.appendFile(file, new HeaderBytes().string(`general.blob${index}`).u32(GgufType.string).u64(blob.length).raw(blob).toBuffer());
    }
    await assert.rejects(readGgufInfo(file, { limits: { timeoutMs: 10_000, maxHeapMb: 8 } }), rejectsWith('file-unreadable', 'needs more than 8 MB to read its header'));
  });

  it(`reading every hostile header again grows this process by less than ${rssCapBytes >> 20} MiB`, async function () {
    this.timeout(20_000);
    assert.ok(hostileFiles.length > 20);
    const before = process.memoryUsage().rss;
    for (const file of hostileFiles) await readGgufInfo(file).catch(() => undefined);
    const growth = process.memoryUsage().rss - before;
    assert.ok(growth < rssCapBytes, `the process grew by ${(growth / 2 ** 20).toFixed(1)} MiB`);
  });
});

describe('readGgufInfo on paths that are not regular files', function () {
  this.timeout(5000);
  const skipOnWindows = process.platform === 'win32' ? it.skip : it;

  skipOnWindows('a FIFO with no writer is refused without opening it', async () => {
    await fs.mkdir(directory, { recursive: true });
    const fifo = path.join(directory, 'pipe.gguf');
    await fs.rm(fifo, { force: true });
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readGgufInfo(fifo, { role: 'projector' }), rejectsWith('file-unreadable', 'The projector (mmproj) file pipe.gguf is a FIFO (named pipe), not a regular file'));
  });

  skipOnWindows('/dev/zero is refused as a device', async () => {
    await assert.rejects(readGgufInfo('/dev/zero', { role: 'model' }), rejectsWith('file-unreadable', 'zero is a character device, not a regular file'));
  });
});

describe('checkModelPair with names the bundled llama.cpp does not know', function () {
  this.timeout(10_000);

  it('refuses an unknown model architecture, unless the engine is the user\'s own', async () => {
    const file = await ggufFile(directory, 'future-arch.gguf', ggufBytes({ keyValues: textModelKeys('llama99') }));
    await assert.rejects(checkModelPair({ modelPath: file }), rejectsWith('model-unsupported', 'future-arch.gguf has the architecture "llama99"', 'cannot load'));
    const info = await checkModelPair({ modelPath: file }, { bundledEngine: false });
    assert.equal(info.modelArchitecture, 'llama99');
  });

  it('refuses an unknown projector type', async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    const projector = await ggufFile(directory, 'future-mmproj.gguf', ggufBytes({
      keyValues: [stringValue('general.architecture', 'clip'), stringValue('clip.projector_type', 'mlp9'), (bytes) => bytes.string('clip.has_vision_encoder').u32(GgufType.bool).raw(Buffer.from([1]))],
    }));
    await assert.rejects(checkModelPair({ modelPath: pair.modelPath, mmprojPath: projector }), rejectsWith('model-unsupported', 'the projector type "mlp9"'));
  });
});
