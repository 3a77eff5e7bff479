// Tells a Qwen2.5-VL language model from a Qwen2-VL one, so a crossed pick (the text model of one
// with the projector of the other) is refused before llama-server loads it. The projector says
// its family outright (`clip.projector_type` qwen2vl_merger / qwen2.5vl_merger), but both
// language models are architecture `qwen2vl`: llama.cpp's converter writes them with one class
// (conversion/qwenvl.py `Qwen2VLModel`), the same keys, M-RoPE sections [16, 24, 24, 0] and, at
// 7B, the same width (3584) and vocabulary (152064). Nothing structural differs, so the width
// check cannot catch a 7B crossing, and libmtmd loads it and answers with garbage.
//
// What does differ is the name the converter writes (gguf-py metadata.py, from the model card
// and directory name): `general.name` / `general.basename` ("Qwen2 VL 7B Instruct" / "Qwen2-VL";
// "Qwen2.5 VL 7B Instruct" / "Qwen2.5-VL", or unsloth's "Qwen2.5-Vl-7B-Instruct"), and for a
// fine-tune its `general.base_model.N.name` / `repo_url`. A file whose own names mention neither
// family, or both, gets no verdict, and the pair goes ahead as before. (The trained context also
// differs, 32768 for Qwen2-VL and 128000 for Qwen2.5-VL, but a fine-tune may change it, so it is
// not used to refuse.)

import * as path from 'node:path';
import { GlimpseError } from '../errors';
import type { GgufInfo } from './ggufInfo';

export type QwenVlFamily = 'Qwen2-VL' | 'Qwen2.5-VL';

const projectorFamilies: ReadonlyMap<string, QwenVlFamily> = new Map([
  ['qwen2vl_merger', 'Qwen2-VL'],
  ['qwen2.5vl_merger', 'Qwen2.5-VL'],
]);

/** The family a Qwen-VL projector type belongs to, or undefined for any other type. */
function qwenVlFamilyOfProjector(projectorType: string): QwenVlFamily | undefined {
  return projectorFamilies.get(projectorType);
}

interface QwenVlModelFamily {
  readonly family: QwenVlFamily;
  /** The key and value that said so, e.g. `general.name "Qwen2.5 VL 7B Instruct"`. */
  readonly evidence: string;
}

/** Which family one name mentions: "Qwen2.5-VL", "qwen2_5_vl", "Qwen2 VL 7B", … or neither or both. */
export function qwenVlFamilyOfName(name: string): QwenVlFamily | undefined {
  const normalized = name.toLowerCase().replace(/[\s_]+/g, '-');
  const isQwen25 = /qwen-?2(?:\.|-)5-?vl/.test(normalized);
  const isQwen2 = /qwen-?2-?vl/.test(normalized);
  if (isQwen25 === isQwen2) return undefined;
  return isQwen25 ? 'Qwen2.5-VL' : 'Qwen2-VL';
}

/**
 * The family a `qwen2vl` language model names: its own name and base name first; only if they
 * say nothing, the base models it was fine-tuned from. Undefined when nothing names one family.
 */
function qwenVlFamilyOfModel(info: GgufInfo): QwenVlModelFamily | undefined {
  if (info.architecture !== 'qwen2vl') return undefined;
  const own = familyOf(info, ['general.name', 'general.basename']);
  if (own !== 'none') return own;
  const baseModels = Math.min(info.number('general.base_model.count') ?? 0, 16);
  const baseKeys: string[] = [];
  for (let index = 0; index < baseModels; index++) {
    baseKeys.push(`general.base_model.${index}.name`, `general.base_model.${index}.repo_url`);
  }
  const base = familyOf(info, baseKeys);
  return base === 'none' ? undefined : base;
}

/** One family named by the keys; undefined when they name both; 'none' when they name neither. */
function familyOf(info: GgufInfo, keys: readonly string[]): QwenVlModelFamily | undefined | 'none' {
  const found: QwenVlModelFamily[] = [];
  for (const key of keys) {
    const value = info.string(key);
    const family = value === undefined ? undefined : qwenVlFamilyOfName(value);
    if (family) found.push({ family, evidence: `${key} "${value}"` });
  }
  if (found.length === 0) return 'none';
  return found.every((entry) => entry.family === found[0].family) ? found[0] : undefined;
}

/**
 * Refuses a Qwen2-VL text model with a Qwen2.5-VL projector and the reverse (code
 * `pair-mismatch`), when the model's names say which family it is.
 */
export function requireSameQwenVlFamily(model: GgufInfo, projectorType: string, mmprojPath: string): void {
  const projectorFamily = qwenVlFamilyOfProjector(projectorType);
  if (projectorFamily === undefined) return;
  const modelFamily = qwenVlFamilyOfModel(model);
  if (modelFamily === undefined || modelFamily.family === projectorFamily) return;
  const wanted = modelFamily.family;
  const wantedType = wanted === 'Qwen2-VL' ? 'qwen2vl_merger' : 'qwen2.5vl_merger';
  throw new GlimpseError(
    'pair-mismatch',
    `The projector file ${path.basename(mmprojPath)} is a ${projectorFamily} projector (${projectorType}), ` +
      `but the model ${path.basename(model.path)} is a ${wanted} model (${modelFamily.evidence}). ` +
      `The two families look alike to llama.cpp but do not work together. Download the ${wanted} mmproj ` +
      `published with this model (projector type ${wantedType}, e.g. mmproj-${wanted}-…-Instruct-Q8_0.gguf) and set it as the projector.`,
    { detail: `model: ${model.path}\nprojector: ${mmprojPath}`, optionsToChange: ['mmprojPath'] },
  );
}
