// The errors a user sees when an image cannot be prepared, worded in one place: each says what
// happened and what to do about it.

import { GlimpseError } from '../errors';
import { SUPPORTED_FORMATS_SENTENCE, recogniseUnsupportedFormat } from './formats';

const bytesPerMegabyte = 1024 * 1024;

export function imageMissingError(filePath: string, cause: unknown): GlimpseError {
  return new GlimpseError(
    'image-missing',
    `The image ${filePath} was not found. It may have been moved, renamed or deleted; attach it again.`,
    describeCause(cause),
  );
}

export function imageUnreadableError(filePath: string, cause: unknown): GlimpseError {
  const reason = (cause as NodeJS.ErrnoException | undefined)?.code === 'EISDIR' ? 'it is a folder' : describeCause(cause);
  return new GlimpseError(
    'file-unreadable',
    `The image ${filePath} could not be read (${reason}). Check that it is a file you have permission to open.`,
    describeCause(cause),
  );
}

export function imageTooLargeFileError(label: string, sizeBytes: number, limitBytes: number): GlimpseError {
  return new GlimpseError(
    'image-too-large-file',
    `${label} is ${formatMegabytes(sizeBytes, 'up')} MB, over the ${formatMegabytes(limitBytes, 'down')} MB limit for images. ` +
      'Crop or shrink it, or raise the image size limit.',
    { optionsToChange: ['maxImageMegabytes'] },
  );
}

export function imageTooManyPixelsError(label: string, width: number, height: number, limitPixels: number): GlimpseError {
  return new GlimpseError(
    'image-too-many-pixels',
    `${label} is ${width}×${height} pixels (${formatMegapixels(width * height)} megapixels), over the ` +
      `${formatMegapixels(limitPixels)} megapixel limit that protects memory while decoding. ` +
      'Downscale or crop it in an image editor first.',
  );
}

/** Also used when the decoder's own pixel guard trips, where the real size is not known. */
export function imageOverDecoderLimitError(label: string, limitPixels: number, cause: unknown): GlimpseError {
  return new GlimpseError(
    'image-too-many-pixels',
    `${label} has more than ${formatMegapixels(limitPixels)} megapixels, the limit that protects memory while decoding. ` +
      'Downscale or crop it in an image editor first.',
    describeCause(cause),
  );
}

/** Unknown bytes, or a known format this build cannot decode (HEIC, ICO, …): named when recognised. */
export function imageUnsupportedError(label: string, bytes: Uint8Array, cause?: unknown, formatName?: string): GlimpseError {
  const recognised = formatName ?? recogniseUnsupportedFormat(bytes);
  const headline = recognised
    ? `${label} is a ${recognised} image, which the image decoder bundled with Glimpse (libvips, through sharp) cannot read. ` +
      'Convert it to PNG or JPEG first.'
    : `${label} is not in an image format Glimpse can read.`;
  return new GlimpseError('image-unsupported', `${headline} Supported formats: ${SUPPORTED_FORMATS_SENTENCE}.`, describeCause(cause));
}

/**
 * A format Glimpse reads, stored in a way it does not ("an RLE-compressed BMP (RLE8)"); `whatIsRead`
 * says which kind it does read ("uncompressed BMPs").
 */
export function imageUnsupportedVariantError(label: string, variant: string, whatIsRead: string): GlimpseError {
  return new GlimpseError(
    'image-unsupported',
    `${label} is ${variant}, which Glimpse cannot read (it reads ${whatIsRead}). Convert it to PNG first, in any image editor.`,
  );
}

/** A format the decoder recognised whose data it could not decode: truncated or damaged. */
export function imageCorruptError(label: string, formatName: string | undefined, cause: unknown): GlimpseError {
  const subject = formatName ? `${label} looks like a ${formatName} image but` : label;
  return new GlimpseError(
    'image-corrupt',
    `${subject} could not be decoded: the file is damaged or incomplete (${shortReason(cause)}). Save or capture it again.`,
    describeCause(cause),
  );
}

export function imageEmptyError(label: string): GlimpseError {
  return new GlimpseError('image-corrupt', `${label} is empty (0 bytes). Save or capture it again.`);
}

/** "62.4": one decimal, rounded so that a size just over a limit never prints as equal to it. */
export function formatMegabytes(bytes: number, rounding: 'up' | 'down'): string {
  const tenths = (bytes / bytesPerMegabyte) * 10;
  const rounded = (rounding === 'up' ? Math.ceil(tenths) : Math.floor(tenths)) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}

/** "900", "8.29", "0.01": three significant digits at most. */
function formatMegapixels(pixels: number): string {
  return String(Number((pixels / 1_000_000).toPrecision(3)));
}

function describeCause(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  return cause instanceof Error ? cause.message : String(cause);
}

/** sharp's message without its "Input buffer has corrupt header:" style prefix. */
function shortReason(cause: unknown): string {
  const message = describeCause(cause) ?? 'unknown reason';
  return message.replace(/^Input (buffer|file) (has corrupt header|contains unsupported image format):\s*/i, '').trim();
}
