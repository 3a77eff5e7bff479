// Opens an image's bytes as a sharp pipeline over the image as displayed (EXIF orientation applied
// before anything else, first frame only), and runs a pipeline, turning sharp's failures into the
// errors users see. Shared by what the model is sent (encode.ts) and the crop dialog's preview
// (crop.ts), so both decode, and refuse damaged data, the same way (decodeStrictness.ts).

import type sharp from 'sharp';
import { decodeBmp } from './bmp';
import { FailOn, STRICT_FAIL_ON, TOLERANT_FAIL_ON, isHarmlessWarning, saysDataEndsEarly, saysOverPixelLimit, stopsBeforeItsDeclaredEnd } from './decodeStrictness';
import { imageDataDamagedError, imageDataEndsEarlyError, imageOverDecoderLimitError } from './imageErrors';
import type { SourceImage } from './inspect';
import { loadSharp, type Sharp } from './sharpLibrary';

export interface DecodeRequest {
  readonly bytes: Buffer;
  readonly label: string;
  readonly source: SourceImage;
  /** For SVG: the density to draw it at (its declared size when not given). */
  readonly density?: number;
  readonly maxInputPixels: number;
}

export interface OpenedSource {
  readonly pipeline: sharp.Sharp;
  readonly hasAlpha: boolean;
}

/** The steps after opening (crop, flatten, resize, encode), built again if the source is opened again. */
export type PipelineSteps = (opened: OpenedSource) => sharp.Sharp;

/**
 * Decodes the source through `steps` to a buffer, at STRICT_FAIL_ON; a failure whose only
 * complaint loses no pixels (isHarmlessWarning) is decoded once more at TOLERANT_FAIL_ON. Over
 * the decoder's pixel limit is image-too-many-pixels; data that stops early or does not decode is
 * image-corrupt, worded by what the decoder said.
 */
export async function decodeThrough(request: DecodeRequest, steps: PipelineSteps): Promise<{ data: Buffer; info: sharp.OutputInfo }> {
  const sharp = await loadSharp();
  try {
    return await steps(openSource(sharp, request, STRICT_FAIL_ON)).toBuffer({ resolveWithObject: true });
  } catch (error) {
    if (!isHarmlessWarning(messageOf(error))) throw decodeFailure(error, request);
  }
  try {
    return await steps(openSource(sharp, request, TOLERANT_FAIL_ON)).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeFailure(error, request);
  }
}

/**
 * A sharp pipeline over the source. BMP, which sharp cannot read, is decoded here (bmp.ts) and
 * handed over as raw pixels; its alpha is known only then (an unused alpha channel is dropped).
 */
function openSource(sharp: Sharp, request: DecodeRequest, failOn: FailOn): OpenedSource {
  if (request.source.format === 'bmp') {
    const { width, height, channels, data } = decodeBmp(request.bytes, request.label, request.maxInputPixels);
    return {
      pipeline: sharp(data, { raw: { width, height, channels }, limitInputPixels: request.maxInputPixels }),
      hasAlpha: channels === 4,
    };
  }
  const pipeline = sharp(request.bytes, {
    autoOrient: true,
    failOn,
    limitInputPixels: request.maxInputPixels,
    ...(request.density === undefined ? {} : { density: request.density }),
  });
  return { pipeline, hasAlpha: request.source.hasAlpha };
}

function decodeFailure(error: unknown, request: DecodeRequest) {
  const message = messageOf(error);
  const { label, source, bytes } = request;
  if (saysOverPixelLimit(message)) return imageOverDecoderLimitError(label, request.maxInputPixels, error);
  if (saysDataEndsEarly(message) || stopsBeforeItsDeclaredEnd(bytes)) return imageDataEndsEarlyError(label, source, error);
  return imageDataDamagedError(label, source.displayName, error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
