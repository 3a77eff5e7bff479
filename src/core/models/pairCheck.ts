// Checks a language model and its vision projector (mmproj) before llama-server is started with
// them, so a wrong pick gets a message that says what to change instead of a crashed engine:
// the model must be a language model, the projector a `clip` file with a vision encoder, and the
// projector's output width must equal the model's input width (libmtmd's own check, in
// tools/mtmd/mtmd.cpp, which otherwise fails at load time with a terse "mismatch" line), and a
// Qwen2-VL model must not get a Qwen2.5-VL projector or the reverse (qwenVlFamily.ts).

import * as path from 'node:path';
import { GlimpseError } from '../errors';
import { GgufInfo, readGgufInfo } from './ggufInfo';
import { llamaCppArchitectures, llamaCppCommit, llamaCppProjectorTypes } from './llamaCppNames';
import { projectorWidth } from './projectorWidth';
import { requireSameQwenVlFamily } from './qwenVlFamily';

export interface ModelPair {
  readonly modelPath: string;
  /** Undefined for a text-only setup. */
  readonly mmprojPath?: string;
}

export interface PairCheckOptions {
  /**
   * Refuse a model architecture or projector type the bundled llama.cpp does not know (it would
   * refuse them at load). False for a llama-server the user chose, which may be newer.
   */
  readonly bundledEngine?: boolean;
}

export interface ModelPairInfo {
  readonly modelPath: string;
  readonly modelFileSize: number;
  /** `general.name`, or the file name when the file has none. */
  readonly modelName: string;
  /** `general.architecture`, e.g. "llama", "qwen2vl". */
  readonly modelArchitecture: string;
  /** `<arch>.embedding_length` (n_embd). */
  readonly embeddingLength: number;
  /** Width of the embeddings the model takes in: n_embd, times (1 + deepstack layers) for Qwen3-VL. */
  readonly inputEmbeddingLength: number;
  /** `<arch>.context_length`: the context the model was trained for. */
  readonly contextLength: number | undefined;
  /** `<arch>.block_count` (layers). */
  readonly blockCount: number | undefined;
  /** The vision projector, or false for a text-only setup (no mmproj). */
  readonly vision: VisionProjectorInfo | false;
}

export interface VisionProjectorInfo {
  readonly mmprojPath: string;
  readonly fileSize: number;
  /** `clip.projector_type`, e.g. "mlp", "qwen2vl_merger". */
  readonly projectorType: string;
  /** Always true here: a projector without one is refused (mmproj-no-vision). */
  readonly hasVisionEncoder: true;
  /** `clip.vision.image_size`: the fixed input size for fixed-size projectors. */
  readonly imageSize: number | undefined;
  readonly patchSize: number | undefined;
  /** Patches merged per side (Qwen2-VL family; Gemma 4's pooling); undefined when the projector does not merge. */
  readonly spatialMergeSize: number | undefined;
  /** Width of the embeddings it produces (see projectorWidth.ts). */
  readonly projectionWidth: number | undefined;
  /** `clip.vision.embedding_length`: the vision encoder's own width. */
  readonly visionEmbeddingLength: number | undefined;
  /** `clip.vision.image_grid_pinpoints` present: the image is tiled (LLaVA-1.6 style). */
  readonly tiled: boolean;
  /**
   * `clip.vision.projector.scale_factor`: how much the projector shrinks each side of the patch
   * grid (idefics3's pixel shuffle: 4 in SmolVLM 256M/500M; gemma3's average pooling: 4 when the
   * key is absent, as in the published files).
   */
  readonly scaleFactor?: number;
  /** `clip.vision.preproc_image_size`: the longest edge libmtmd resizes an image to before slicing it (idefics3: 2048). */
  readonly preprocessImageSize?: number;
}

/** Projector types whose merge size clip.cpp defaults when the key is absent. */
const mergingProjectorDefaults: ReadonlyMap<string, number> = new Map([
  ['qwen2vl_merger', 2],
  ['qwen2.5vl_merger', 2],
  ['qwen3vl_merger', 2],
  ['gemma4v', 3], // the 3 × 3 pooling kernel (clip.cpp `load_hparams`: n_merge = 3)
]);

/** Where a projector type keeps its merge size, when not in `clip.vision.spatial_merge_size`. */
const mergeSizeKeys: ReadonlyMap<string, string> = new Map([['gemma4v', 'clip.vision.projector.scale_factor']]);

export async function checkModelPair(pair: ModelPair, options: PairCheckOptions = {}): Promise<ModelPairInfo> {
  const bundledEngine = options.bundledEngine ?? true;
  const modelInfo = await readGgufInfo(pair.modelPath, { role: 'model' });
  const model = describeTextModel(modelInfo);
  if (bundledEngine) requireKnown(model.modelArchitecture, llamaCppArchitectures, 'architecture', modelInfo.path, 'modelPath');
  if (pair.mmprojPath === undefined) return { ...model, vision: false };

  const projectorFile = await readGgufInfo(pair.mmprojPath, { role: 'projector' });
  const projector = describeProjector(projectorFile, modelInfo);
  if (bundledEngine) requireKnown(projector.projectorType, llamaCppProjectorTypes, 'projector type', projectorFile.path, 'mmprojPath');
  const width = projectorWidth(projectorFile, projector.projectorType);
  // For a projector type whose rule is unknown the width is only the key's claim: leave the final
  // word to libmtmd rather than refuse a pair that may work.
  if (width !== undefined && width.known && width.width !== model.inputEmbeddingLength) {
    throw new GlimpseError(
      'pair-mismatch',
      `The projector file ${path.basename(projector.mmprojPath)} does not fit the model ${path.basename(model.modelPath)}: ` +
        `it produces ${width.width}-wide embeddings, the model expects ${model.inputEmbeddingLength}. ` +
        'Pick the mmproj that was published with this model.',
      { detail: `model: ${model.modelPath}\nprojector: ${projector.mmprojPath}`, optionsToChange: ['mmprojPath'] },
    );
  }
  // Same width, different family (Qwen2-VL 7B and Qwen2.5-VL 7B are both 3584 wide)
  requireSameQwenVlFamily(modelInfo, projector.projectorType, projector.mmprojPath);
  return { ...model, vision: projector };
}

function requireKnown(name: string, known: ReadonlySet<string>, what: string, filePath: string, option: 'modelPath' | 'mmprojPath'): void {
  if (known.has(name)) return;
  throw new GlimpseError(
    'model-unsupported',
    `${path.basename(filePath)} has the ${what} "${name}", which the bundled llama.cpp (${llamaCppCommit.slice(0, 7)}) cannot load. ` +
      'Choose a model from the catalog, update Glimpse, or point the server path setting at a newer llama-server.',
    { detail: filePath, optionsToChange: [option, 'serverPath'] },
  );
}

function describeTextModel(info: GgufInfo): Omit<ModelPairInfo, 'vision'> {
  const fileName = path.basename(info.path);
  const architecture = info.architecture;
  if (architecture === 'clip') {
    throw new GlimpseError(
      'model-not-text',
      `${fileName} is a projector (mmproj), not a language model. Set it as the projector and choose the model file ` +
        '(the larger .gguf published with it) as the model.',
      { detail: info.path, optionsToChange: ['modelPath', 'mmprojPath'] },
    );
  }
  const embeddingLength = architecture === undefined ? undefined : info.number(`${architecture}.embedding_length`);
  if (architecture === undefined || embeddingLength === undefined) {
    throw new GlimpseError(
      'model-not-text',
      `${fileName} is not a language model llama.cpp can run: it has no ` +
        `${architecture === undefined ? 'general.architecture' : `${architecture}.embedding_length`} key. Choose the model's .gguf file.`,
      { detail: info.path, optionsToChange: ['modelPath'] },
    );
  }
  const deepstackLayers = info.number(`${architecture}.n_deepstack_layers`) ?? 0;
  return {
    modelPath: info.path,
    modelFileSize: info.fileSize,
    modelName: info.name ?? fileName,
    modelArchitecture: architecture,
    embeddingLength,
    inputEmbeddingLength: embeddingLength * (1 + deepstackLayers),
    contextLength: info.number(`${architecture}.context_length`),
    blockCount: info.number(`${architecture}.block_count`),
  };
}

function describeProjector(info: GgufInfo, modelInfo: GgufInfo): VisionProjectorInfo {
  const fileName = path.basename(info.path);
  if (info.architecture !== 'clip') {
    const isModel = info.architecture !== undefined && info.number(`${info.architecture}.embedding_length`) !== undefined;
    const sameFile = path.resolve(info.path) === path.resolve(modelInfo.path);
    throw new GlimpseError(
      'mmproj-not-clip',
      `${fileName} is not a projector (mmproj) file: its architecture is "${info.architecture ?? 'unknown'}"` +
        (isModel ? ', so it is a language model' : '') +
        (sameFile ? ', and it is the same file as the model' : '') +
        '. Choose the mmproj-*.gguf file published with the model as the projector.',
      { detail: info.path, optionsToChange: ['mmprojPath'] },
    );
  }
  const projectorType = info.string('clip.projector_type') ?? info.string('clip.vision.projector_type') ?? 'unknown';
  if (info.boolean('clip.has_vision_encoder') !== true) {
    const audio = info.boolean('clip.has_audio_encoder') === true;
    throw new GlimpseError(
      'mmproj-no-vision',
      `${fileName} has no vision encoder${audio ? ' (it is an audio projector)' : ''}, so it cannot read images. ` +
        'Choose the vision mmproj published with the model, or a vision-language model.',
      { detail: info.path, optionsToChange: ['mmprojPath'] },
    );
  }
  const spatialMergeSize =
    info.number(mergeSizeKeys.get(projectorType) ?? 'clip.vision.spatial_merge_size') ?? mergingProjectorDefaults.get(projectorType);
  return {
    mmprojPath: info.path,
    fileSize: info.fileSize,
    projectorType,
    hasVisionEncoder: true,
    imageSize: info.number('clip.vision.image_size'),
    patchSize: info.number('clip.vision.patch_size'),
    spatialMergeSize,
    projectionWidth: projectorWidth(info, projectorType)?.width,
    visionEmbeddingLength: info.number('clip.vision.embedding_length'),
    tiled: info.metadata.has('clip.vision.image_grid_pinpoints'),
    ...optionalNumber('scaleFactor', info.number('clip.vision.projector.scale_factor')),
    ...optionalNumber('preprocessImageSize', info.number('clip.vision.preproc_image_size')),
  };
}

function optionalNumber<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

/** Why a model without a projector cannot take images, and what to do (CLI and extension alike). */
export function noProjectorMessage(modelName: string): string {
  return `The model ${modelName} has no projector (mmproj), so it cannot see images. ` +
    'Set the projector path to the mmproj file published with this model.';
}
