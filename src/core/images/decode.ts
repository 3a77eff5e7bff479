// Opens an image's bytes as a sharp pipeline over the image as displayed (EXIF orientation applied
// before anything else, first frame only), and runs a pipeline, turning sharp's failures into the
// errors users see. Shared by what the model is sent (encode.ts) and the crop dialog's preview
// (crop.ts), so both decode and fail the same way.

import type sharp from 'sharp';
import { decodeBmp } from './bmp';
import { imageCorruptError, imageOverDecoderLimitError } from './imageErrors';
import type { SourceImage } from './inspect';
import type { Sharp } from './sharpLibrary';

export interface DecodeRequest {
  readonly bytes: Buffer;
  readonly label: string;
  readonly source: SourceImage;
  /** For SVG: the density to draw it at (its declared size when not given). */
  readonly density?: number;
  readonly maxInputPixels: number;
}

/**
 * A sharp pipeline over the source. BMP, which sharp cannot read, is decoded here (bmp.ts) and
 * handed over as raw pixels; its alpha is known only then (an unused alpha channel is dropped).
 */
export function openSource(sharp: Sharp, request: DecodeRequest): { pipeline: sharp.Sharp; hasAlpha: boolean } {
  if (request.source.format === 'bmp') {
    const { width, height, channels, data } = decodeBmp(request.bytes, request.label, request.maxInputPixels);
    return {
      pipeline: sharp(data, { raw: { width, height, channels }, limitInputPixels: request.maxInputPixels }),
      hasAlpha: channels === 4,
    };
  }
  const pipeline = sharp(request.bytes, {
    autoOrient: true,
    // 'error' still refuses truncated data but tolerates the harmless warnings many camera JPEGs
    // raise (sharp's default, 'warning', would refuse those).
    failOn: 'error',
    limitInputPixels: request.maxInputPixels,
    ...(request.density === undefined ? {} : { density: request.density }),
  });
  return { pipeline, hasAlpha: request.source.hasAlpha };
}

/** Runs `pipeline` to a buffer: over the decoder's pixel limit is image-too-many-pixels, anything else image-corrupt. */
export async function runPipeline(pipeline: sharp.Sharp, request: DecodeRequest): Promise<{ data: Buffer; info: sharp.OutputInfo }> {
  try {
    return await pipeline.toBuffer({ resolveWithObject: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/exceeds pixel limit/i.test(message)) throw imageOverDecoderLimitError(request.label, request.maxInputPixels, error);
    throw imageCorruptError(request.label, request.source.displayName, error);
  }
}
