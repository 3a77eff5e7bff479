// Turns an image file or pasted bytes into what a vision model is sent, once per image: checks the
// file size, reads the header and refuses decompression bombs before decoding, then decodes,
// orients, flattens and scales the image to the model's budget (see encode.ts for PNG vs JPEG).

import { createHash } from 'node:crypto';
import { throwIfAborted } from '../abort';
import { ImageBudget, ImageSize, VECTOR_BASE_DENSITY, assertValidBudget, fitVectorWithinBudget, fitWithinBudget } from './budget';
import { OutputMimeType, renderForModel } from './encode';
import { imageTooManyPixelsError } from './imageErrors';
import { inspectImage } from './inspect';
import { ImageInput, readImageInput } from './readInput';

export type { ImageBudget } from './budget';
export type { ImageInput } from './readInput';

/** What Glimpse accepts at all, whatever the model: guards memory and time while decoding. */
export interface ImageLimits {
  maxFileBytes: number;
  maxInputPixels: number;
}

export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = {
  maxFileBytes: 50 * 1024 * 1024,
  maxInputPixels: 100_000_000,
};

export interface PreparedImage {
  /** File name or the caller's label, e.g. "pasted image". */
  readonly label: string;
  readonly mimeType: OutputMimeType;
  /** The bytes sent to the model. */
  readonly data: Buffer;
  /** SHA-256 of `data`, hex. */
  readonly sha256: string;
  /** Displayed size of the source, after EXIF orientation (for SVG: the size it declares). */
  readonly originalWidth: number;
  readonly originalHeight: number;
  /** Size of `data`. */
  readonly width: number;
  readonly height: number;
  /** True when the image sent is smaller than the source. */
  readonly downscaled: boolean;
  /** png, jpeg, webp, gif, bmp, tiff, avif or svg. */
  readonly sourceFormat: string;
}

/** What an aborted `signal` makes prepareImage throw. */
const cancelled = 'Preparing the image was cancelled.';

export async function prepareImage(
  input: ImageInput,
  budget: ImageBudget,
  limits?: Partial<ImageLimits>,
  signal?: AbortSignal,
): Promise<PreparedImage> {
  assertValidBudget(budget);
  const { maxFileBytes, maxInputPixels } = { ...DEFAULT_IMAGE_LIMITS, ...limits };
  throwIfAborted(signal, cancelled);

  const { label, bytes } = await readImageInput(input, maxFileBytes);
  throwIfAborted(signal, cancelled);

  const source = await inspectImage(bytes, label);
  throwIfAborted(signal, cancelled);

  let size: ImageSize;
  let density: number | undefined;
  let decodedWidth = source.width;
  let decodedHeight = source.height;
  if (source.format === 'svg') {
    ({ size, density } = fitVectorWithinBudget(source, budget));
    // What the renderer will allocate at that density (it is only clamped when absurdly large).
    decodedWidth = Math.ceil((source.width * density) / VECTOR_BASE_DENSITY);
    decodedHeight = Math.ceil((source.height * density) / VECTOR_BASE_DENSITY);
  } else {
    size = fitWithinBudget(source, budget);
  }
  if (decodedWidth * decodedHeight > maxInputPixels) {
    throw imageTooManyPixelsError(label, decodedWidth, decodedHeight, maxInputPixels);
  }

  const rendered = await renderForModel({ bytes, label, source, size, density, maxInputPixels });
  throwIfAborted(signal, cancelled);

  return {
    label,
    mimeType: rendered.mimeType,
    data: rendered.data,
    sha256: createHash('sha256').update(rendered.data).digest('hex'),
    originalWidth: source.width,
    originalHeight: source.height,
    width: rendered.width,
    height: rendered.height,
    downscaled: rendered.width < source.width || rendered.height < source.height,
    sourceFormat: source.format,
  };
}

/** `data:image/png;base64,…`: the form OpenAI-compatible servers take in `image_url`. */
export function toDataUri(image: PreparedImage): string {
  return `data:${image.mimeType};base64,${image.data.toString('base64')}`;
}
