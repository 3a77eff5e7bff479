// Turns an image file or pasted bytes into what a vision model is sent, once per image: checks the
// file size, reads the header and refuses decompression bombs before decoding, then decodes,
// orients, cuts the input's crop (if any), flattens and scales the image to the model's budget, in
// one pass with one encode (see encode.ts for PNG vs JPEG).

import { createHash } from 'node:crypto';
import { throwIfAborted } from '../abort';
import { ImageBudget, ImageSize, VECTOR_BASE_DENSITY, assertValidBudget, fitVectorWithinBudget, fitWithinBudget } from './budget';
import { assertCropFits, croppedLabel, type CropRect } from './crop';
import { OutputMimeType, renderForModel } from './encode';
import { imageTooManyPixelsError } from './imageErrors';
import { inspectImage } from './inspect';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './limits';
import { readImageInput, type ImageFileOrBytes } from './readInput';

export type { ImageBudget } from './budget';
export { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './limits';

/**
 * An image file or pasted bytes, and optionally the rectangle of it to send: in whole pixels of the
 * image as displayed (oriented; for SVG, its declared size), checked by assertCropFits (crop.ts).
 * The crop travels with the input, so wherever the input is prepared (the chat, a mockup of the
 * chat's image) the same part is cut from the full-resolution original.
 */
export type ImageInput = ImageFileOrBytes & { readonly crop?: CropRect };

export interface PreparedImage {
  /** File name or the caller's label, e.g. "pasted image"; for a crop, "login.png (cropped)". */
  readonly label: string;
  readonly mimeType: OutputMimeType;
  /** The bytes sent to the model. */
  readonly data: Buffer;
  /** SHA-256 of `data`, hex. */
  readonly sha256: string;
  /** Displayed size of the source, after EXIF orientation (for SVG: the size it declares); for a crop, the crop's size. */
  readonly originalWidth: number;
  readonly originalHeight: number;
  /** Size of `data`. */
  readonly width: number;
  readonly height: number;
  /** True when the image sent is smaller than the source (than the crop, for a crop). */
  readonly downscaled: boolean;
  /** png, jpeg, webp, gif, bmp, tiff, avif or svg (of the original, for a crop). */
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

  const { crop } = input;
  let size: ImageSize;
  let density: number | undefined;
  let decodedWidth = source.width;
  let decodedHeight = source.height;
  if (crop) {
    // Cut from the image as displayed (an SVG drawn at its declared size, where the rectangle was
    // measured), then scaled like any image of the crop's size.
    size = fitWithinBudget(crop, budget);
  } else if (source.format === 'svg') {
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
  if (crop) assertCropFits(crop, source, label);

  const rendered = await renderForModel({ bytes, label, source, size, density, crop, maxInputPixels });
  throwIfAborted(signal, cancelled);

  const original = crop ?? source;
  return {
    label: crop ? croppedLabel(label) : label,
    mimeType: rendered.mimeType,
    data: rendered.data,
    sha256: createHash('sha256').update(rendered.data).digest('hex'),
    originalWidth: original.width,
    originalHeight: original.height,
    width: rendered.width,
    height: rendered.height,
    downscaled: rendered.width < original.width || rendered.height < original.height,
    sourceFormat: source.format,
  };
}

/** `data:image/png;base64,…`: the form OpenAI-compatible servers take in `image_url`. */
export function toDataUri(image: PreparedImage): string {
  return `data:${image.mimeType};base64,${image.data.toString('base64')}`;
}
