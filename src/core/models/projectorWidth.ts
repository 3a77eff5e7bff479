// The width of the embeddings a projector (mmproj) hands to the language model, which must equal
// the model's input embedding width. libmtmd takes it from a tensor's shape, per projector type
// (tools/mtmd/clip.cpp `clip_n_mmproj_embd`, tensor names from `load_tensors` / clip-impl.h);
// this table mirrors the common types. Other types, or files missing the tensor, fall back to
// the `clip.vision.projection_dim` key, which converters write but libmtmd does not use for this.

import type { GgufInfo } from './ggufInfo';

export interface ProjectorWidth {
  readonly width: number;
  /** Where it came from: the tensor libmtmd reads it from, or the metadata key. */
  readonly source: 'tensor' | 'metadata';
  /** The projector type is one libmtmd's rule is known for (so a mismatch is certain). */
  readonly known: boolean;
}

interface TensorRule {
  readonly tensor: string;
  readonly dimension: 0 | 1;
}

const rules: ReadonlyMap<string, TensorRule> = new Map([
  ['mlp', { tensor: 'mm.2.weight', dimension: 1 }], // LLaVA-1.5/1.6
  ['mlp_norm', { tensor: 'mm.3.bias', dimension: 0 }], // Yi-VL
  ['ldp', { tensor: 'mm.model.mb_block.1.block.2.1.bias', dimension: 0 }], // MobileVLM
  ['ldpv2', { tensor: 'mm.model.peg.0.bias', dimension: 0 }], // MobileVLM v2
  ['qwen2vl_merger', { tensor: 'mm.2.bias', dimension: 0 }],
  ['qwen2.5vl_merger', { tensor: 'mm.2.bias', dimension: 0 }],
  ['qwen2.5o', { tensor: 'mm.2.bias', dimension: 0 }], // vision side of Qwen2.5-Omni
  ['qwen3vl_merger', { tensor: 'mm.2.bias', dimension: 0 }], // times (1 + deepstack layers)
  ['gemma3', { tensor: 'mm.input_projection.weight', dimension: 0 }],
  ['gemma4v', { tensor: 'mm.input_projection.weight', dimension: 1 }], // ne[1] here, ne[0] for gemma3
  ['idefics3', { tensor: 'mm.model.fc.weight', dimension: 1 }], // SmolVLM
  ['pixtral', { tensor: 'mm.2.weight', dimension: 1 }],
  ['lightonocr', { tensor: 'mm.2.weight', dimension: 1 }],
  ['internvl', { tensor: 'mm.model.mlp.3.weight', dimension: 1 }],
  ['lfm2', { tensor: 'mm.2.weight', dimension: 1 }],
  ['kimivl', { tensor: 'mm.2.weight', dimension: 1 }],
  ['paddleocr', { tensor: 'mm.2.weight', dimension: 1 }],
]);

export function projectorWidth(info: GgufInfo, projectorType: string): ProjectorWidth | undefined {
  // clip.cpp turns `mlp` with an mm.3 tensor into `mlp_norm` (Yi-type LLaVA)
  const effectiveType = projectorType === 'mlp' && info.tensor('mm.3.weight') !== undefined ? 'mlp_norm' : projectorType;
  const rule = rules.get(effectiveType);
  const tensor = rule ? info.tensor(rule.tensor) : undefined;
  const fromTensor = rule && tensor ? tensor.dimensions[rule.dimension] : undefined;
  if (fromTensor !== undefined) {
    return { width: fromTensor * (1 + deepstackLayers(info, effectiveType)), source: 'tensor', known: true };
  }
  const fromMetadata = info.number('clip.vision.projection_dim');
  if (fromMetadata === undefined || fromMetadata <= 0) return undefined;
  return { width: fromMetadata, source: 'metadata', known: rule !== undefined };
}

/**
 * Qwen3-VL feeds extra "deepstack" features: one more model width per vision block that has a
 * deepstack merger. clip.cpp `load_tensors` looks for `v.deepstack.N.fc1.weight` only on the
 * blocks it loads (N below `clip.vision.block_count`) and counts each one it finds; the text
 * model's side is `qwen3vl.n_deepstack_layers` (pairCheck.ts).
 */
function deepstackLayers(info: GgufInfo, projectorType: string): number {
  if (projectorType !== 'qwen3vl_merger') return 0;
  const blocks = info.number('clip.vision.block_count') ?? Infinity;
  return info.tensors.filter((tensor) => {
    const match = /^v\.deepstack\.(\d+)\.fc1\.weight$/.exec(tensor.name);
    return match !== null && Number(match[1]) < blocks;
  }).length;
}
