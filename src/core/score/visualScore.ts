// The visual score of a render against its mockup (docs/visual-score.md):
//   score = 0.8 · clamp(SSIM of luma, 0, 1) + 0.2 · (1 − colour distance)
// from 0 to 1. The maths works on raw RGBA buffers of one size; the loader brings the mockup and
// the render to that size with sharp; the plan says at which viewport to render and at which
// working size to compare.

import { loadSharp } from '../images/sharpLibrary';
import { colourDistance, type ColourDistance } from './colorDistance';
import { lumaFromRgba, ssim } from './ssim';

export const SSIM_WEIGHT = 0.8;
export const COLOUR_WEIGHT = 0.2;
/** Largest viewport side in CSS pixels: wider mockups are taken as high-density captures, taller ones are compared from the top. */
export const MAX_VIEWPORT_SIDE = 1920;
/** Images are compared at most this wide (SSIM cost grows with the pixel count). */
export const MAX_WORKING_WIDTH = 1024;

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface RgbaImage extends Size {
  /** 4 bytes per pixel, rows top first, no padding. */
  readonly data: Uint8Array;
}

export interface VisualScore {
  /** SSIM_WEIGHT · clamp(ssim, 0, 1) + COLOUR_WEIGHT · colour, from 0 to 1. */
  readonly score: number;
  /** Mean SSIM of the two images' luma, from −1 to 1 (1: identical). */
  readonly ssim: number;
  /** Colour similarity, 1 − colourDistance.distance, from 0 to 1 (1: same colours in the same amounts). */
  readonly colour: number;
  readonly colourDistance: ColourDistance;
}

export function combineScore(ssimValue: number, colourSimilarity: number): number {
  const structure = Math.min(1, Math.max(0, ssimValue));
  const colour = Math.min(1, Math.max(0, colourSimilarity));
  return SSIM_WEIGHT * structure + COLOUR_WEIGHT * colour;
}

/** Compares two images of the same size. */
export function compareImages(mockup: RgbaImage, render: RgbaImage): VisualScore {
  if (mockup.width !== render.width || mockup.height !== render.height) {
    throw new RangeError(`images to compare must have one size: the mockup is ${mockup.width}×${mockup.height}, the render ${render.width}×${render.height}`);
  }
  const { width, height } = mockup;
  const structure = ssim(lumaFromRgba(mockup.data, width, height), lumaFromRgba(render.data, width, height), width, height);
  const distance = colourDistance(mockup.data, render.data);
  const colour = 1 - distance.distance;
  return { score: combineScore(structure, colour), ssim: structure, colour, colourDistance: distance };
}

export interface ScoringPlan {
  /** The page is rendered at this viewport (CSS pixels, device scale factor 1). */
  readonly viewport: Size;
  /** The share of the mockup's height, from the top, that the viewport covers (1 unless the mockup is taller than MAX_VIEWPORT_SIDE allows). */
  readonly mockupHeightShare: number;
  /** Both images are compared at this size. */
  readonly working: Size;
}

/**
 * `design`: the mockup's size as designed (what the page should fill); `mockupPixels`: the size of
 * the mockup image actually at hand, which may be smaller (downscaled for the model). The working
 * size never exceeds the mockup's own pixels: an upscaled, blurred mockup would cost SSIM the page
 * did not lose.
 */
export function planScoring(design: Size, mockupPixels: Size = design): ScoringPlan {
  for (const size of [design, mockupPixels]) {
    if (!(size.width >= 1 && size.height >= 1)) throw new RangeError(`bad image size ${size.width}×${size.height}`);
  }
  const scale = design.width > MAX_VIEWPORT_SIDE ? MAX_VIEWPORT_SIDE / design.width : 1;
  const width = Math.max(1, Math.round(design.width * scale));
  const fullHeight = Math.max(1, Math.round(design.height * scale));
  const height = Math.min(fullHeight, MAX_VIEWPORT_SIDE);
  const workingWidth = Math.max(1, Math.min(MAX_WORKING_WIDTH, width, Math.round(mockupPixels.width)));
  const workingHeight = Math.max(1, Math.round((height * workingWidth) / width));
  return { viewport: { width, height }, mockupHeightShare: height / fullHeight, working: { width: workingWidth, height: workingHeight } };
}

/**
 * Decodes an image (any format sharp reads; EXIF orientation applied), keeps the top
 * `heightShare` of it, flattens it onto white (the page's default background) and resizes it to
 * exactly `size`, as RGBA.
 */
export async function loadRgba(bytes: Buffer, size: Size, options: { heightShare?: number; maxInputPixels?: number } = {}): Promise<RgbaImage> {
  const limitInputPixels = options.maxInputPixels ?? 100_000_000;
  const sharp = await loadSharp();
  const metadata = await sharp(bytes, { limitInputPixels }).metadata();
  const oriented = metadata.autoOrient ?? { width: metadata.width ?? 0, height: metadata.height ?? 0 };
  let pipeline = sharp(bytes, { limitInputPixels, autoOrient: true });
  const share = options.heightShare ?? 1;
  if (share < 1) {
    const keep = Math.max(1, Math.min(oriented.height, Math.round(oriented.height * share)));
    pipeline = pipeline.extract({ left: 0, top: 0, width: oriented.width, height: keep });
  }
  const { data, info } = await pipeline
    .resize(size.width, size.height, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size.width || info.height !== size.height || info.channels !== 4) {
    throw new Error(`resizing gave ${info.width}×${info.height}×${info.channels}, not ${size.width}×${size.height}×4`);
  }
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}
