// Crop rectangles and the crop dialog's preview. A crop is cut from the image at full resolution,
// after EXIF orientation, so the part that matters reaches the model sharper than the whole image
// would within the same budget: it is an input's `crop`, which prepareImage cuts in the same pass
// (one decode, one encode) as it orients and scales. Rectangles are in pixels of the image as
// displayed (oriented; for SVG, its declared size). The preview is the larger picture of the whole
// image the dialog draws rectangles on.

import { GlimpseError } from '../errors';
import { minCropSide, type PixelRect } from '../protocol';
import { decodeThrough } from './decode';
import { imageTooManyPixelsError } from './imageErrors';
import { inspectImage } from './inspect';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './limits';
import { readImageInput, type ImageFileOrBytes } from './readInput';

/** A rectangle in whole pixels of the oriented image (the protocol's PixelRect). */
export type CropRect = PixelRect;

/** The smallest crop side (smaller would hold nothing a model can read); an image narrower than this is cropped to its full side. */
export const MIN_CROP_SIDE = minCropSide;

/** The long side of the crop dialog's preview: large enough to aim at a line of text, small enough to post. */
export const CROP_PREVIEW_MAX_SIDE = 1024;

export interface CropPreview {
  /** A JPEG data: URI, at most CROP_PREVIEW_MAX_SIDE on its long side. */
  readonly dataUri: string;
  /** The displayed size of the image (what crop rectangles are measured in), not of the preview. */
  readonly width: number;
  readonly height: number;
}

/** The name of a crop of `label`: "login.png (cropped)", what the panel and the history show. */
export function croppedLabel(label: string): string {
  return `${label} (cropped)`;
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

/** A preview of the whole image, oriented, for choosing a crop: never larger than the image itself. */
export async function cropPreview(input: ImageFileOrBytes, limits?: Partial<ImageLimits>, maxSide = CROP_PREVIEW_MAX_SIDE): Promise<CropPreview> {
  const { maxFileBytes, maxInputPixels } = { ...DEFAULT_IMAGE_LIMITS, ...limits };
  const { label, bytes } = await readImageInput(input, maxFileBytes);
  const source = await inspectImage(bytes, label);
  if (source.width * source.height > maxInputPixels) throw imageTooManyPixelsError(label, source.width, source.height, maxInputPixels);
  const { data } = await decodeThrough({ bytes, label, source, maxInputPixels }, (opened) => {
    const pipeline = opened.pipeline.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
    return (opened.hasAlpha ? pipeline.flatten({ background: '#ffffff' }) : pipeline).jpeg({ quality: 82 });
  });
  return { dataUri: `data:image/jpeg;base64,${data.toString('base64')}`, width: source.width, height: source.height };
}
