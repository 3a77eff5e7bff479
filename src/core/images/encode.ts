// Decodes an image once and produces the bytes the model is sent, encoded once: EXIF orientation
// applied, first frame only, the crop (if any) cut out, transparency flattened on white, scaled
// down with lanczos3, encoded as PNG or JPEG by the rule in `chooseOutputMimeType`.

import type { PixelRect } from '../protocol';
import type { ImageSize } from './budget';
import { decodeThrough, type DecodeRequest } from './decode';
import type { SourceImage } from './inspect';

export type OutputMimeType = 'image/png' | 'image/jpeg';

/** High enough that small text in a photographed or JPEG-saved screen stays legible. */
export const JPEG_QUALITY = 90;

/** Above this many pixels even a lossless source is sent as JPEG (see chooseOutputMimeType). */
export const MAX_PNG_OUTPUT_PIXELS = 4_000_000;

/**
 * zlib level for PNG output. The bytes go to a local server or into the chat history, so speed
 * matters more than size: on a 1344×756 text screenshot level 6 (sharp's default) took ~55 ms for
 * output 4% smaller than level 2 at ~30 ms; level 1 saved 10 ms more but was 26% larger.
 */
export const PNG_COMPRESSION_LEVEL = 2;

/**
 * The rule: a lossless source (PNG, GIF, BMP, TIFF, SVG, lossless WebP) is sent as PNG, so the text in
 * screenshots and diagrams reaches the model without JPEG ringing around glyphs, unless the image
 * sent is larger than MAX_PNG_OUTPUT_PIXELS, where PNG of photographic content gets very large;
 * with the usual budgets (long side ≤ 1344, under 2 MP) that never happens. Everything else
 * (JPEG, lossy WebP, AVIF: already lossy) is sent as JPEG at quality 90 with full-resolution
 * colour (4:4:4), which adds no visible loss to what the source already lost.
 */
export function chooseOutputMimeType(source: Pick<SourceImage, 'lossless'>, size: ImageSize): OutputMimeType {
  return source.lossless && size.width * size.height <= MAX_PNG_OUTPUT_PIXELS ? 'image/png' : 'image/jpeg';
}

export interface RenderRequest extends DecodeRequest {
  /** The exact size to send; the source (or the crop) is scaled to it (callers never ask for an enlargement of raster images). */
  readonly size: ImageSize;
  /** The rectangle to send, in pixels of the image as displayed, cut before scaling; the whole image when not given. */
  readonly crop?: PixelRect;
}

export interface RenderedImage {
  readonly data: Buffer;
  readonly mimeType: OutputMimeType;
  readonly width: number;
  readonly height: number;
}

/** One decode, one encode: orient, cut the crop, flatten, scale, encode (see chooseOutputMimeType). */
export async function renderForModel(request: RenderRequest): Promise<RenderedImage> {
  const { source, size, crop } = request;
  const mimeType = chooseOutputMimeType(source, size);

  const { data, info } = await decodeThrough(request, (opened) => {
    let pipeline = opened.pipeline;
    if (crop) pipeline = pipeline.extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height });
    if (opened.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
    pipeline = pipeline.resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' });
    return mimeType === 'image/png'
      ? pipeline.png({ compressionLevel: PNG_COMPRESSION_LEVEL })
      : pipeline.jpeg({ quality: JPEG_QUALITY, chromaSubsampling: '4:4:4' });
  });
  return { data, mimeType, width: info.width, height: info.height };
}
