// Reads an image's header with sharp (no pixel decoding), or with bmp.ts for BMP, and says what it
// is: format, displayed size after EXIF orientation, alpha, and whether its pixels are stored
// losslessly. Unknown or undecodable formats become image-unsupported; a recognised format with a
// broken header becomes image-corrupt.

import type sharp from 'sharp';
import { isBmp, readBmpHeader } from './bmp';
import { SUPPORTED_IMAGE_FORMATS, SupportedSourceFormat, isLosslessWebp, recogniseSupportedSignature, recogniseUnsupportedFormat, supportedFormatFromSharp } from './formats';
import { STRICT_FAIL_ON, saysDataEndsEarly, stopsBeforeItsDeclaredEnd } from './decodeStrictness';
import { imageCorruptError, imageDataEndsEarlyError, imageEmptyError, imageUnsupportedError } from './imageErrors';
import { loadSharp } from './sharpLibrary';

export interface SourceImage {
  readonly format: SupportedSourceFormat;
  readonly displayName: string;
  /** Displayed size: after EXIF orientation, first frame only; for SVG, the size it declares (at 72 dpi). */
  readonly width: number;
  readonly height: number;
  /** For BMP: the pixels have an alpha channel, which decoding may still find unused. */
  readonly hasAlpha: boolean;
  /** PNG, GIF, BMP, TIFF, SVG and lossless WebP; JPEG, lossy WebP and AVIF are not. */
  readonly lossless: boolean;
}

export async function inspectImage(bytes: Buffer, label: string): Promise<SourceImage> {
  if (bytes.length === 0) throw imageEmptyError(label);
  if (isBmp(bytes)) {
    const header = readBmpHeader(bytes, label);
    return { format: 'bmp', displayName: 'BMP', width: header.width, height: header.height, hasAlpha: header.mayHaveAlpha, lossless: true };
  }

  const sharp = await loadSharp();
  let metadata: sharp.Metadata;
  try {
    // The pixel limit is checked by the caller against these dimensions; sharp's own guard would
    // refuse before telling us the size, so it is off for this header-only read. failOn matters
    // only where a loader reads frames for the header (GIF): as strict as the decode.
    metadata = await sharp(bytes, { limitInputPixels: false, failOn: STRICT_FAIL_ON }).metadata();
  } catch (error) {
    throw classifyHeaderError(error, bytes, label);
  }

  const format = supportedFormatFromSharp(metadata.format, metadata.compression);
  if (format === undefined) {
    const heic = metadata.format === 'heif' && metadata.compression === 'hevc' ? 'HEIC' : undefined;
    throw imageUnsupportedError(label, bytes, new Error(`sharp reads it as ${metadata.format}`), heic);
  }
  const displayName = SUPPORTED_IMAGE_FORMATS.find((f) => f.format === format)?.displayName ?? format;

  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  if (!(width > 0 && height > 0)) {
    throw imageCorruptError(label, displayName, new Error(`the header gives a size of ${width}×${height}`));
  }

  return {
    format,
    displayName,
    width,
    height,
    hasAlpha: metadata.hasAlpha,
    lossless: isLosslessSource(format, bytes),
  };
}

function isLosslessSource(format: SupportedSourceFormat, bytes: Buffer): boolean {
  switch (format) {
    case 'png':
    case 'gif':
    case 'bmp':
    case 'svg':
    case 'tiff': // JPEG-in-TIFF exists but is rare, and sharp's metadata does not report it
      return true;
    case 'webp':
      return isLosslessWebp(bytes);
    case 'jpeg':
    case 'avif':
      return false;
  }
}

/**
 * sharp says "unsupported image format" when no loader claims the bytes; any other header failure
 * means a loader recognised the format (by its signature) and then found the header broken, or
 * cut short (a GIF's loader reads every frame here). HEIC is the exception: the heif loader claims
 * it but this build has no HEVC decoder.
 */
function classifyHeaderError(error: unknown, bytes: Buffer, label: string) {
  const message = error instanceof Error ? error.message : String(error);
  const signature = recogniseSupportedSignature(bytes);
  if (!signature && (/unsupported image format/i.test(message) || recogniseUnsupportedFormat(bytes) !== undefined)) {
    return imageUnsupportedError(label, bytes, error);
  }
  const formatName = signature ?? formatNameFromSharpMessage(message);
  if (formatName && (saysDataEndsEarly(message) || stopsBeforeItsDeclaredEnd(bytes))) return imageDataEndsEarlyError(label, undefined, error);
  return imageCorruptError(label, formatName, error);
}

/** sharp's header errors name the loader ("pngload_buffer: …", "VipsJpeg: …"). */
function formatNameFromSharpMessage(message: string): string | undefined {
  const loaders: ReadonlyArray<[RegExp, string]> = [
    [/png/i, 'PNG'],
    [/jpeg|jpg/i, 'JPEG'],
    [/webp/i, 'WebP'],
    [/gif/i, 'GIF'],
    [/tiff/i, 'TIFF'],
    [/heif|avif/i, 'AVIF'],
    [/svg|rsvg/i, 'SVG'],
  ];
  return loaders.find(([pattern]) => pattern.test(message))?.[1];
}
