// Cuts a rectangle out of an image at full resolution, after EXIF orientation, so the part that
// matters reaches the model sharper than the whole image would within the same budget; and draws
// the larger preview the chat panel's crop dialog shows. Rectangles are in pixels of the image as
// displayed (oriented; for SVG, its declared size). The crop comes back as bytes ready for
// prepareImage like any pasted image: PNG for lossless sources, JPEG at quality 95 for lossy ones,
// so the rule that picks what the model is sent (encode.ts) treats the crop as it did the source.

import type sharp from 'sharp';
import { GlimpseError } from '../errors';
import { minCropSide, type PixelRect } from '../protocol';
import { decodeBmp } from './bmp';
import { imageCorruptError, imageOverDecoderLimitError, imageTooManyPixelsError } from './imageErrors';
import { inspectImage, type SourceImage } from './inspect';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './prepare';
import { readImageInput, type ImageInput } from './readInput';
import { loadSharp, type Sharp } from './sharpLibrary';

/** A rectangle in whole pixels of the oriented image (the protocol's PixelRect). */
export type CropRect = PixelRect;

/** The smallest crop side (smaller would hold nothing a model can read); an image narrower than this is cropped to its full side. */
export const MIN_CROP_SIDE = minCropSide;

/** The long side of the crop dialog's preview: large enough to aim at a line of text, small enough to post. */
export const CROP_PREVIEW_MAX_SIDE = 1024;

/** Quality of a crop of a lossy source: it is decoded again by prepareImage, so almost nothing may be lost here. */
export const CROP_JPEG_QUALITY = 95;

export interface CroppedImage {
  /** "login.png (cropped)": the name the panel and the history show. */
  readonly label: string;
  /** PNG or JPEG bytes of the crop, at full resolution. */
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
  /** The displayed size of the image it was cut from. */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
}

export interface CropPreview {
  /** A JPEG data: URI, at most CROP_PREVIEW_MAX_SIDE on its long side. */
  readonly dataUri: string;
  /** The displayed size of the image (what crop rectangles are measured in), not of the preview. */
  readonly width: number;
  readonly height: number;
}

/** Whether `rect` is the whole image (cropping to it is the same as not cropping). */
export function isWholeImage(rect: CropRect, size: { readonly width: number; readonly height: number }): boolean {
  return rect.x === 0 && rect.y === 0 && rect.width === size.width && rect.height === size.height;
}

/**
 * Refuses a rectangle that is not whole pixels, pokes out of the image or is smaller than
 * MIN_CROP_SIDE on a side (or the image's side, when that is smaller).
 */
export function assertCropFits(rect: CropRect, size: { readonly width: number; readonly height: number }, label: string): void {
  const { x, y, width, height } = rect;
  const whole = [x, y, width, height].every((value) => Number.isSafeInteger(value));
  const inside = whole && x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= size.width && y + height <= size.height;
  if (!inside) {
    throw new GlimpseError(
      'invalid-argument',
      `The crop ${width}×${height} at (${x}, ${y}) is not inside ${label}, which is ${size.width}×${size.height} pixels. Open Crop again and draw the rectangle on the image.`,
    );
  }
  const minWidth = Math.min(MIN_CROP_SIDE, size.width);
  const minHeight = Math.min(MIN_CROP_SIDE, size.height);
  if (width < minWidth || height < minHeight) {
    throw new GlimpseError(
      'invalid-argument',
      `The crop of ${label} is ${width}×${height} pixels; a crop must be at least ${minWidth}×${minHeight}. Draw a larger rectangle.`,
    );
  }
}

/** The crop of `input` at full resolution, after orientation. */
export async function cropImage(input: ImageInput, rect: CropRect, limits?: Partial<ImageLimits>): Promise<CroppedImage> {
  const { maxFileBytes, maxInputPixels } = { ...DEFAULT_IMAGE_LIMITS, ...limits };
  const { label, bytes } = await readImageInput(input, maxFileBytes);
  const source = await inspectImage(bytes, label);
  if (source.width * source.height > maxInputPixels) throw imageTooManyPixelsError(label, source.width, source.height, maxInputPixels);
  assertCropFits(rect, source, label);

  const opened = openOriented(await loadSharp(), bytes, label, source, maxInputPixels);
  let pipeline = opened.pipeline.extract({ left: rect.x, top: rect.y, width: rect.width, height: rect.height });
  if (source.lossless) {
    // Decoded again at once by prepareImage: speed over size.
    pipeline = pipeline.png({ compressionLevel: 1 });
  } else {
    if (opened.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
    pipeline = pipeline.jpeg({ quality: CROP_JPEG_QUALITY, chromaSubsampling: '4:4:4' });
  }
  const { data, info } = await run(pipeline, label, source, maxInputPixels);
  return { label: `${label} (cropped)`, bytes: data, width: info.width, height: info.height, sourceWidth: source.width, sourceHeight: source.height };
}

/** A preview of the whole image, oriented, for choosing a crop: never larger than the image itself. */
export async function cropPreview(input: ImageInput, limits?: Partial<ImageLimits>, maxSide = CROP_PREVIEW_MAX_SIDE): Promise<CropPreview> {
  const { maxFileBytes, maxInputPixels } = { ...DEFAULT_IMAGE_LIMITS, ...limits };
  const { label, bytes } = await readImageInput(input, maxFileBytes);
  const source = await inspectImage(bytes, label);
  if (source.width * source.height > maxInputPixels) throw imageTooManyPixelsError(label, source.width, source.height, maxInputPixels);
  const opened = openOriented(await loadSharp(), bytes, label, source, maxInputPixels);
  let pipeline = opened.pipeline.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
  if (opened.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
  const { data } = await run(pipeline.jpeg({ quality: 82 }), label, source, maxInputPixels);
  return { dataUri: `data:image/jpeg;base64,${data.toString('base64')}`, width: source.width, height: source.height };
}

/**
 * A pipeline over the decoded image as displayed: EXIF orientation applied before anything else,
 * first frame only. BMP, which sharp cannot read, comes from bmp.ts as raw pixels.
 */
function openOriented(sharp: Sharp, bytes: Buffer, label: string, source: SourceImage, maxInputPixels: number): { pipeline: sharp.Sharp; hasAlpha: boolean } {
  if (source.format === 'bmp') {
    const { width, height, channels, data } = decodeBmp(bytes, label, maxInputPixels);
    return { pipeline: sharp(data, { raw: { width, height, channels }, limitInputPixels: maxInputPixels }), hasAlpha: channels === 4 };
  }
  const pipeline = sharp(bytes, { autoOrient: true, failOn: 'error', limitInputPixels: maxInputPixels });
  return { pipeline, hasAlpha: source.hasAlpha };
}

async function run(pipeline: sharp.Sharp, label: string, source: SourceImage, maxInputPixels: number): Promise<{ data: Buffer; info: sharp.OutputInfo }> {
  try {
    return await pipeline.toBuffer({ resolveWithObject: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/exceeds pixel limit/i.test(message)) throw imageOverDecoderLimitError(label, maxInputPixels, error);
    throw imageCorruptError(label, source.displayName, error);
  }
}
