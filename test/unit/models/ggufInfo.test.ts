// readGgufInfo on synthetic files: what it reads from a good file, and the error code and message
// for each kind of bad file (missing, folder, empty, not GGUF, header cut off, data cut off).

import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readGgufInfo } from '../../../src/core/models/ggufInfo';
import { BadFiles, writeBadFiles } from '../../fixtures/gguf/badFiles';
import { SyntheticPair, ensureSyntheticPair, testGeneratedDirectory, testModelsDirectory } from '../../fixtures/gguf/presets';
import { rejectsWith } from '../../fixtures/glimpseErrors';


describe('readGgufInfo', () => {
  let llava: SyntheticPair;
  let qwen: SyntheticPair;
  let bad: BadFiles;
  const badDirectory = testGeneratedDirectory('bad-files', 'gguf-info');

  before(async () => {
    llava = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    qwen = await ensureSyntheticPair('tiny-qwen2vl', testModelsDirectory('tiny-qwen2vl'));
    bad = await writeBadFiles(badDirectory, llava);
  });

  it('reads architecture, key-values and tensors of a text model', async () => {
    const info = await readGgufInfo(qwen.modelPath);
    assert.equal(info.architecture, 'qwen2vl');
    assert.equal(info.name, 'glimpse-synthetic-tiny-qwen2vl');
    assert.equal(info.version, 3);
    assert.equal(info.number('qwen2vl.embedding_length'), 64);
    assert.deepEqual(info.numberArray('qwen2vl.rope.dimension_sections'), [2, 3, 3, 0]);
    assert.equal(info.boolean('tokenizer.ggml.add_bos_token'), false);
    assert.equal(info.string('tokenizer.ggml.pre'), 'qwen2');
    assert.equal(info.fileSize, qwen.model.fileSize);
    // 2 + 2 layers × 12 tensors (q/k/v with biases)
    assert.equal(info.tensors.length, 26);
    const key = info.tensor('blk.1.attn_k.weight');
    assert.deepEqual(key?.dimensions, [64, 32]);
    assert.equal(key?.typeName, 'Q8_0');
    assert.equal(key?.byteSize, (64 / 32) * 34 * 32);
  });

  it('finds the data section where the writer put it, and the file exactly holds the tensors', async () => {
    const info = await readGgufInfo(llava.modelPath);
    assert.equal(info.dataOffset, llava.model.dataOffset);
    assert.equal(info.requiredSize, info.fileSize);
  });

  it('reads a projector file, with the nested clip.vision keys under their full names', async () => {
    const info = await readGgufInfo(qwen.mmprojPath);
    assert.equal(info.architecture, 'clip');
    assert.equal(info.string('clip.projector_type'), 'qwen2vl_merger');
    assert.equal(info.number('clip.vision.spatial_merge_size'), 2);
    assert.equal(info.boolean('clip.has_vision_encoder'), true);
    assert.deepEqual(info.tensor('mm.2.bias')?.dimensions, [64]);
  });

  it('a missing file is file-missing and names the path', async () => {
    const missing = path.join(badDirectory, 'no-such-model.gguf');
    await assert.rejects(readGgufInfo(missing, { role: 'model' }), rejectsWith('file-missing', missing, 'model file'));
  });

  it('a folder is file-unreadable', async () => {
    await assert.rejects(readGgufInfo(badDirectory), rejectsWith('file-unreadable', 'folder'));
  });

  it('an empty file is file-empty', async () => {
    await assert.rejects(readGgufInfo(bad.empty, { role: 'projector' }), rejectsWith('file-empty', 'empty.gguf', 'projector', '0 bytes'));
  });

  it('a PNG is file-not-gguf and shows the bytes it starts with', async () => {
    await assert.rejects(readGgufInfo(bad.notGguf), rejectsWith('file-not-gguf', 'screenshot.png.gguf', '89 50 4E 47', 'PNG image'));
  });

  it('a file shorter than the magic is file-not-gguf', async () => {
    await assert.rejects(readGgufInfo(bad.tooShort), rejectsWith('file-not-gguf', 'two-bytes.gguf', '47 47'));
  });

  it('a file cut inside the tensor data is file-truncated with both sizes', async () => {
    const actual = (await fs.stat(bad.truncated)).size;
    assert.ok(actual < llava.model.fileSize);
    await assert.rejects(
      readGgufInfo(bad.truncated),
      rejectsWith('file-truncated', 'truncated-model.gguf', llava.model.fileSize.toLocaleString('en-US'), actual.toLocaleString('en-US'), 'download it again'),
    );
  });

  it('a file cut inside the header is file-truncated, not a half-read header', async () => {
    await assert.rejects(readGgufInfo(bad.headerCut), rejectsWith('file-truncated', 'header-cut-model.gguf', 'inside its GGUF header'));
  });

  it('a header claiming more entries than the file can hold is refused without parsing them', async () => {
    const file = path.join(badDirectory, 'huge-counts.gguf');
    const header = Buffer.alloc(64);
    header.write('GGUF', 0, 'latin1');
    header.writeUInt32LE(3, 4);
    header.writeBigUInt64LE(1n << 40n, 8); // tensor count
    header.writeBigUInt64LE(1n << 40n, 16); // key-value count
    await fs.writeFile(file, header);
    await assert.rejects(readGgufInfo(file), rejectsWith('file-unreadable', 'huge-counts.gguf', 'declares 1099511627776 tensors and 1099511627776 key-values'));
  });

  it('an unsupported GGUF version is file-unreadable and says which version', async () => {
    const file = path.join(badDirectory, 'version-1.gguf');
    const header = Buffer.alloc(64);
    header.write('GGUF', 0, 'latin1');
    header.writeUInt32LE(1, 4);
    await fs.writeFile(file, header);
    await assert.rejects(readGgufInfo(file), rejectsWith('file-unreadable', 'version 1'));
  });
});
