// Which image formats Glimpse reads, how to name the common ones it cannot read, and whether a
// source stores its pixels losslessly (which decides PNG or JPEG for what the model is sent).
//
// Most of the list is what the prebuilt libvips inside sharp 0.34.5 decodes (checked on linux-x64
// with `sharp.format` and by decoding a sample of each in test/unit/images): PNG, JPEG, WebP, GIF,
// TIFF, AVIF and SVG. That build has no BMP loader, so BMP is decoded by Glimpse itself (bmp.ts).
// Its libheif carries only the AV1 decoder, so HEIC photos (HEVC) do not decode; ICO, PSD, PDF,
// JPEG XL and JPEG 2000 have no loader at all.

export type SupportedSourceFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'tiff' | 'avif' | 'svg';

export interface SupportedImageFormat {
  /** The name `PreparedImage.sourceFormat` carries (sharp's, except AV1 HEIF is called avif). */
  readonly format: SupportedSourceFormat;
  readonly displayName: string;
  /** Lower case, without the dot. */
  readonly extensions: readonly string[];
  readonly mimeType: string;
  /** sharp (libvips) decodes it, or Glimpse's own decoder does (bmp.ts). */
  readonly decoder: 'sharp' | 'glimpse';
}

export const SUPPORTED_IMAGE_FORMATS: readonly SupportedImageFormat[] = [
  { format: 'png', displayName: 'PNG', extensions: ['png'], mimeType: 'image/png', decoder: 'sharp' },
  { format: 'jpeg', displayName: 'JPEG', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'], mimeType: 'image/jpeg', decoder: 'sharp' },
  { format: 'webp', displayName: 'WebP', extensions: ['webp'], mimeType: 'image/webp', decoder: 'sharp' },
  { format: 'gif', displayName: 'GIF', extensions: ['gif'], mimeType: 'image/gif', decoder: 'sharp' },
  { format: 'bmp', displayName: 'BMP', extensions: ['bmp'], mimeType: 'image/bmp', decoder: 'glimpse' },
  { format: 'tiff', displayName: 'TIFF', extensions: ['tif', 'tiff'], mimeType: 'image/tiff', decoder: 'sharp' },
  { format: 'avif', displayName: 'AVIF', extensions: ['avif'], mimeType: 'image/avif', decoder: 'sharp' },
  { format: 'svg', displayName: 'SVG', extensions: ['svg'], mimeType: 'image/svg+xml', decoder: 'sharp' },
];

/** Every extension Glimpse offers to open (file pickers, explorer context menus, drop targets). */
export const SUPPORTED_IMAGE_EXTENSIONS: readonly string[] = SUPPORTED_IMAGE_FORMATS.flatMap((f) => f.extensions);

/** "PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF and SVG": for error messages. */
export const SUPPORTED_FORMATS_SENTENCE = joinWithAnd(SUPPORTED_IMAGE_FORMATS.map((f) => f.displayName));

/** The supported format a file name or extension ("shot.PNG", ".png", "png") points to, if any. */
export function formatForFileName(fileNameOrExtension: string): SupportedImageFormat | undefined {
  const lastDot = fileNameOrExtension.lastIndexOf('.');
  const extension = (lastDot >= 0 ? fileNameOrExtension.slice(lastDot + 1) : fileNameOrExtension).toLowerCase();
  return SUPPORTED_IMAGE_FORMATS.find((f) => f.extensions.includes(extension));
}

/** The MIME type of an image file by its name, for supported formats only. */
export function mimeTypeForFileName(fileName: string): string | undefined {
  return formatForFileName(fileName)?.mimeType;
}

/**
 * Maps sharp's metadata to a supported format, or undefined when Glimpse cannot use it.
 * sharp names AVIF and HEIC both "heif"; the compression field tells them apart.
 */
export function supportedFormatFromSharp(sharpFormat: string, heifCompression?: string): SupportedSourceFormat | undefined {
  if (sharpFormat === 'heif') return heifCompression === 'av1' ? 'avif' : undefined;
  return SUPPORTED_IMAGE_FORMATS.find((f) => f.decoder === 'sharp' && f.format === sharpFormat)?.format;
}

/**
 * Names a supported format from its signature (its first bytes), for bytes the decoder would not
 * take: a file that starts like a PNG and is garbage after is a damaged PNG, not an unknown format.
 */
export function recogniseSupportedSignature(bytes: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) => Buffer.from(bytes.subarray(start, end)).toString('latin1');
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'PNG';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'JPEG';
  if (ascii(0, 4) === 'GIF8') return 'GIF';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'WebP';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'TIFF';
  return undefined;
}

/**
 * Names a well-known format this build cannot decode, from the file's first bytes, so the error
 * can say "this is a HEIC" instead of "unknown format". Undefined when the bytes are not one of them.
 */
export function recogniseUnsupportedFormat(bytes: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) => Buffer.from(bytes.subarray(start, end)).toString('latin1');
  if (bytes.length >= 12 && ascii(4, 8) === 'ftyp') {
    const majorBrand = ascii(8, 12);
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx'].includes(majorBrand)) return 'HEIC';
  }
  if (bytes.length >= 6 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 1 && bytes[3] === 0) return 'ICO';
  if (ascii(0, 4) === '8BPS') return 'PSD';
  if (ascii(0, 5) === '%PDF-') return 'PDF';
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0x0a) return 'JPEG XL';
  if (ascii(4, 12) === 'JXL \r\n\x87\n') return 'JPEG XL';
  if (ascii(4, 12) === 'jP  \r\n\x87\n') return 'JPEG 2000';
  return undefined;
}

/**
 * True when a WebP file holds a lossless (VP8L) bitstream. Walks the RIFF chunks to the first
 * image data: a "VP8L" chunk is lossless, "VP8 " is lossy; animated files are judged by their
 * first frame, the one Glimpse sends.
 */
export function isLosslessWebp(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 20 || buffer.toString('latin1', 0, 4) !== 'RIFF' || buffer.toString('latin1', 8, 12) !== 'WEBP') {
    return false;
  }
  const animationFrameHeaderBytes = 16;
  let offset = 12;
  while (offset + 8 <= buffer.length) {
    const fourCc = buffer.toString('latin1', offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    if (fourCc === 'VP8L') return true;
    if (fourCc === 'VP8 ') return false;
    if (fourCc === 'ANMF') {
      offset += 8 + animationFrameHeaderBytes; // step into the frame: its sub-chunks follow
      continue;
    }
    offset += 8 + size + (size % 2); // chunks are padded to an even size
  }
  return false;
}

function joinWithAnd(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
