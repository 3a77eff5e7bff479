// The Qwen2-VL / Qwen2.5-VL family check on written headers: 7B-shaped files of both families
// (same architecture `qwen2vl`, same 3584 width, so the width check passes) that differ only in
// the names the converter writes, as the published files do.

import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { checkModelPair } from '../../../src/core/models/pairCheck';
import { qwenVlFamilyOfName } from '../../../src/core/models/qwenVlFamily';
import { testGeneratedDirectory } from '../../fixtures/gguf/presets';
import { rejectsWith } from '../../fixtures/glimpseErrors';
import { MetadataEntry, Value, writeGguf } from '../../fixtures/gguf/writer';

const width = 3584; // Qwen2-VL 7B and Qwen2.5-VL 7B alike
const directory = testGeneratedDirectory('qwen-vl-family');

/** A `qwen2vl` model header with `names` (general.name, …) and one small tensor. */
async function writeTextModel(fileName: string, names: readonly MetadataEntry[], contextLength: number): Promise<string> {
  const file = path.join(directory, fileName);
  await writeGguf(file, {
    metadata: [
      ['general.architecture', Value.string('qwen2vl')],
      ...names,
      ['qwen2vl.context_length', Value.uint32(contextLength)],
      ['qwen2vl.embedding_length', Value.uint32(width)],
      ['qwen2vl.block_count', Value.uint32(28)],
      ['qwen2vl.rope.dimension_sections', Value.int32Array([16, 24, 24, 0])],
    ],
    tensors: [{ name: 'output_norm.weight', dimensions: [width], type: 'F32', fill: { kind: 'constant', value: 1 } }],
  });
  return file;
}

/** A projector header of `projectorType` whose output (mm.2.bias) is 3584 wide. */
async function writeProjector(fileName: string, projectorType: string): Promise<string> {
  const file = path.join(directory, fileName);
  await writeGguf(file, {
    metadata: [
      ['general.architecture', Value.string('clip')],
      ['clip.has_vision_encoder', Value.bool(true)],
      ['clip.projector_type', Value.string(projectorType)],
      ['clip.vision.patch_size', Value.uint32(14)],
      ['clip.vision.image_size', Value.uint32(560)],
      ['clip.vision.projection_dim', Value.uint32(width)],
    ],
    tensors: [{ name: 'mm.2.bias', dimensions: [width], type: 'F32', fill: { kind: 'constant', value: 0 } }],
  });
  return file;
}

describe('Qwen2-VL / Qwen2.5-VL family check', () => {
  let qwen25Model: string;
  let unslothQwen25Model: string;
  let qwen2Model: string;
  let qwen2FineTune: string;
  let unnamedModel: string;
  let qwen2Projector: string;
  let qwen25Projector: string;

  before(async () => {
    await fs.mkdir(directory, { recursive: true });
    // ggml-org's names for Qwen/Qwen2.5-VL-7B-Instruct; unsloth's; bartowski's for Qwen2-VL-7B
    qwen25Model = await writeTextModel('Qwen2.5-VL-7B-Instruct-Q4_K_M.gguf', [
      ['general.name', Value.string('Qwen2.5 VL 7B Instruct')],
      ['general.basename', Value.string('Qwen2.5-VL')],
    ], 128000);
    unslothQwen25Model = await writeTextModel('unsloth-Qwen2.5-VL-7B.gguf', [
      ['general.name', Value.string('Qwen2.5-Vl-7B-Instruct')],
      ['general.basename', Value.string('Qwen2.5-Vl-7B-Instruct')],
    ], 128000);
    qwen2Model = await writeTextModel('Qwen2-VL-7B-Instruct-Q6_K_L.gguf', [
      ['general.name', Value.string('Qwen2 VL 7B Instruct')],
      ['general.basename', Value.string('Qwen2-VL')],
    ], 32768);
    // a fine-tune whose own name says nothing; its base model does
    qwen2FineTune = await writeTextModel('ocr-finetune-7B.gguf', [
      ['general.name', Value.string('Document Reader 7B')],
      ['general.base_model.count', Value.uint32(1)],
      ['general.base_model.0.name', Value.string('Qwen2 VL 7B Instruct')],
      ['general.base_model.0.repo_url', Value.string('https://huggingface.co/Qwen/Qwen2-VL-7B-Instruct')],
    ], 32768);
    unnamedModel = await writeTextModel('model.gguf', [], 32768);
    qwen2Projector = await writeProjector('mmproj-Qwen2-VL-7B-Instruct-f16.gguf', 'qwen2vl_merger');
    qwen25Projector = await writeProjector('mmproj-Qwen2.5-VL-7B-Instruct-Q8_0.gguf', 'qwen2.5vl_merger');
  });

  it('names: each spelling names its family; other Qwen models and names with both name none', () => {
    const cases: ReadonlyArray<readonly [string, string | undefined]> = [
      ['Qwen2.5 VL 7B Instruct', 'Qwen2.5-VL'],
      ['Qwen2.5-VL', 'Qwen2.5-VL'],
      ['Qwen2.5-Vl-7B-Instruct', 'Qwen2.5-VL'],
      ['qwen2_5_vl', 'Qwen2.5-VL'],
      ['Qwen2 VL 7B Instruct', 'Qwen2-VL'],
      ['Qwen2-VL-2B-Instruct', 'Qwen2-VL'],
      ['https://huggingface.co/Qwen/Qwen2-VL-7B-Instruct', 'Qwen2-VL'],
      ['Qwen2.5 7B Instruct', undefined],
      ['Qwen2.5 Omni 7B', undefined],
      ['Qwen3 VL 8B Instruct', undefined],
      ['Qwen2.5-VL merged with Qwen2-VL', undefined],
    ];
    for (const [name, family] of cases) assert.equal(qwenVlFamilyOfName(name), family, name);
  });

  it('accepts each family with its own projector', async () => {
    const qwen25 = await checkModelPair({ modelPath: qwen25Model, mmprojPath: qwen25Projector });
    assert.equal(qwen25.vision && qwen25.vision.projectorType, 'qwen2.5vl_merger');
    const qwen2 = await checkModelPair({ modelPath: qwen2Model, mmprojPath: qwen2Projector });
    assert.equal(qwen2.vision && qwen2.vision.projectorType, 'qwen2vl_merger');
    await checkModelPair({ modelPath: unslothQwen25Model, mmprojPath: qwen25Projector });
    await checkModelPair({ modelPath: qwen2FineTune, mmprojPath: qwen2Projector });
  });

  it('refuses a Qwen2.5-VL model with a Qwen2-VL projector, naming both families and what to download', async () => {
    await assert.rejects(
      checkModelPair({ modelPath: qwen25Model, mmprojPath: qwen2Projector }),
      rejectsWith('pair-mismatch', 'mmproj-Qwen2-VL-7B-Instruct-f16.gguf is a Qwen2-VL projector (qwen2vl_merger)',
        'Qwen2.5-VL-7B-Instruct-Q4_K_M.gguf is a Qwen2.5-VL model (general.name "Qwen2.5 VL 7B Instruct")',
        'Download the Qwen2.5-VL mmproj', 'qwen2.5vl_merger'),
    );
    await assert.rejects(checkModelPair({ modelPath: unslothQwen25Model, mmprojPath: qwen2Projector }), rejectsWith('pair-mismatch', 'Qwen2.5-VL model'));
  });

  it('refuses a Qwen2-VL model with a Qwen2.5-VL projector, also when only the base model names the family', async () => {
    await assert.rejects(
      checkModelPair({ modelPath: qwen2Model, mmprojPath: qwen25Projector }),
      rejectsWith('pair-mismatch', 'is a Qwen2.5-VL projector (qwen2.5vl_merger)', 'is a Qwen2-VL model', 'Download the Qwen2-VL mmproj', 'qwen2vl_merger'),
    );
    await assert.rejects(
      checkModelPair({ modelPath: qwen2FineTune, mmprojPath: qwen25Projector }),
      rejectsWith('pair-mismatch', 'general.base_model.0.name "Qwen2 VL 7B Instruct"'),
    );
  });

  it('lets a model whose names say nothing through (its context length alone is not evidence)', async () => {
    await checkModelPair({ modelPath: unnamedModel, mmprojPath: qwen25Projector });
    await checkModelPair({ modelPath: unnamedModel, mmprojPath: qwen2Projector });
  });
});
