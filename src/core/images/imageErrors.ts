// The errors a user sees when an image cannot be prepared, worded in one place: each says what
// happened and what to do about it.

import { GlimpseError } from '../errors';
import { formatExactBytes } from '../formatBytes';
import { describePathKind, type PathKind } from '../regularFile';
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
  return new GlimpseError(
    'image-unreadable',
    `The image ${filePath} could not be read (${describeErrnoCause(cause)}). Check that it is a file you have permission to open.`,
    describeCause(cause),
  );
}

/** A folder, a FIFO, a device, a socket: never opened, so nothing can wait on it (see regularFile.ts). */
export function imageNotRegularFileError(filePath: string, kind: Exclude<PathKind, 'file'>): GlimpseError {
  const message =
    kind === 'folder'
      ? `The image ${filePath} is a folder, not a file. Attach an image file from inside it.`
      : `The image ${filePath} is ${describePathKind(kind)}, not a regular file. Glimpse reads images only from regular files: save the image to a file and attach that.`;
  return new GlimpseError('image-unreadable', message);
}

/** The file's size when it was checked is not what reading it found: it is still being written, or was cut meanwhile. */
export function imageChangedWhileReadError(filePath: string, statedBytes: number, foundBytes: number | undefined): GlimpseError {
  let found = `${countBytes(foundBytes ?? 0)} when read`;
  if (foundBytes === undefined) found = 'had grown when read';
  else if (foundBytes > statedBytes) found = `had grown to ${countBytes(foundBytes)} when read`;
  return new GlimpseError(
    'image-unreadable',
    `The image ${filePath} changed while Glimpse was reading it: it was ${countBytes(statedBytes)} when checked and ${found}. ` +
      'If it is still being saved, wait until it is finished, then attach it again.',
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

/** A format the decoder recognised whose header it could not read: truncated or damaged. */
export function imageCorruptError(label: string, formatName: string | undefined, cause: unknown): GlimpseError {
  const subject = formatName ? `${label} looks like a ${formatName} image but` : label;
  return new GlimpseError(
    'image-corrupt',
    `${subject} could not be decoded: the file is damaged or incomplete (${shortReason(cause)}). Save or capture it again.`,
    describeCause(cause),
  );
}

/**
 * The pixel data stops before the image its header declares is complete: a file cut short, or
 * data the decoder ran out of early (a header patched or damaged to claim more than there is).
 * Without `declared` (when the header itself is cut) the size is left out.
 */
export function imageDataEndsEarlyError(label: string, declared: { readonly width: number; readonly height: number } | undefined, cause: unknown): GlimpseError {
  const image = declared ? `the ${declared.width}×${declared.height} image it declares` : 'the image it declares';
  return new GlimpseError('image-corrupt', `${label} is damaged: its data ends before ${image} is complete. Save or export it again.`, describeCause(cause));
}

/** The header was read but the pixel data does not decode (a checksum, bad compressed data). */
export function imageDataDamagedError(label: string, formatName: string, cause: unknown): GlimpseError {
  return new GlimpseError(
    'image-corrupt',
    `${label} is damaged: its ${formatName} pixel data does not decode (${shortReason(cause)}). Save or export it again.`,
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

/** "1 byte", "1,024 bytes": exact, since a difference of a few bytes is the point. */
function countBytes(bytes: number): string {
  return bytes === 1 ? '1 byte' : `${formatExactBytes(bytes)} bytes`;
}

/** "EACCES: permission denied": Node's message without the call and path it repeats. */
function describeErrnoCause(cause: unknown): string {
  return (describeCause(cause) ?? 'unknown reason').replace(/, \w+ '.*'$/, '');
}

/**
 * sharp's message, first line only, without its "Input buffer has corrupt header:" style prefix
 * or the loader's name ("pngload_buffer: ", "VipsJpeg: ").
 */
function shortReason(cause: unknown): string {
  const message = (describeCause(cause) ?? 'unknown reason').split('\n')[0];
  return message
    .replace(/^Input (buffer|file) (has corrupt header|contains unsupported image format):\s*/i, '')
    .replace(/^(\w+load(_buffer|_source)?|VipsJpeg):\s*/i, '')
    .replace(/^Input (buffer|file) contains unsupported image format$/i, 'no decoder accepts its header')
    .trim();
}
