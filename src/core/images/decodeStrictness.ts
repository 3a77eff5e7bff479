// How strictly sharp decodes the pixels of an image Glimpse did not make, and what the decoder's
// complaints mean. decode.ts applies it to every such decode (what the model is sent, the crop
// dialog's preview), so a damaged file is refused, in Glimpse's words, instead of sent half grey.
//
// sharp's `failOn`, least strict first: 'none', 'truncated', 'error', 'warning'. What each does,
// measured with sharp 0.34.5 (libvips 8.17.3, mozjpeg, libspng) on crafted files (the cases are
// tests in test/unit/images/damagedImages.test.ts):
// - A JPEG whose header declares 9000×9000 but whose scan holds a 16×16 image, or whose scan data
//   is damaged midway: accepted and filled with grey at 'none', 'truncated' and 'error'; refused
//   only at 'warning' ("Corrupt JPEG data: premature end of data segment", a libjpeg warning).
// - A JPEG, PNG or GIF cut short (a JPEG missing only its final EOI marker too): refused from
//   'truncated' up. A PNG with a bad IDAT CRC or zlib checksum: refused from 'error' up. A cut
//   WebP or AVIF: refused at every level.
// - Accepted at every level, 'warning' included: bytes after a JPEG's EOI or a PNG's IEND, PNG
//   ancillary chunks (tEXt, pHYs, Apple's iDOT, private ones) and a bad CRC on one, a PNG without
//   IEND, garbage EXIF, a broken ICC profile, an unknown JFIF revision, a GIF without its trailer.
// - Refused at 'warning' only, although every pixel decodes: "N extraneous bytes before marker
//   0x…" (padding between JPEG segments, which some cameras and editors write) and "Unknown Adobe
//   color transform code" (an APP14 segment with an odd value; libjpeg guesses, as viewers do).
// So images are decoded at 'warning', and when its one complaint is one of those two, again at
// 'error'. Telling warnings apart by sharp's per-instance 'warning' events does not work: libvips
// keeps one queue for the whole process, so an image is handed the warnings of whatever decoded
// before or beside it. The failed pipeline's own error message is its own.

export type FailOn = 'none' | 'truncated' | 'error' | 'warning';

/** The first decode of an untrusted image: any decoder warning refuses it. */
export const STRICT_FAIL_ON: FailOn = 'warning';

/** The second decode, after a warning that loses no pixel data (isHarmlessWarning). */
export const TOLERANT_FAIL_ON: FailOn = 'error';

/** libjpeg warnings about bytes around the image data, not in it: every pixel still decodes. */
const harmlessWarnings: readonly RegExp[] = [/extraneous bytes before marker/i, /unknown adobe colou?r transform/i];

/** Complaints that say the data stops before the image is complete (mozjpeg, libspng, libnsgif, libheif). */
const endsEarlyComplaints: readonly RegExp[] = [
  /premature end of (data segment|jpeg)/i,
  /unexpected end of/i,
  /\bend of stream\b/i,
  /\btruncated\b/i,
  /outside of file bounds/i,
];

/** True when every line of a failed decode's message is a warning isHarmlessWarning tolerates. */
export function isHarmlessWarning(message: string): boolean {
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.length > 0 && lines.every((line) => harmlessWarnings.some((pattern) => pattern.test(line)));
}

/** True when the decoder's message says the data ran out before the image was complete. */
export function saysDataEndsEarly(message: string): boolean {
  return endsEarlyComplaints.some((pattern) => pattern.test(message));
}

/** sharp's guard against images over `limitInputPixels`. */
export function saysOverPixelLimit(message: string): boolean {
  return /exceeds pixel limit/i.test(message);
}

/**
 * Whether `bytes` stop before the end their own structure declares, for the formats that say
 * where they end: a PNG whose chunks, from IHDR on, run out before IEND; a WebP shorter than its
 * RIFF header's size. Turns a decoder's vague "libspng read error" or "unable to parse image"
 * into "the file is cut short". False for other formats and for data that is damaged otherwise.
 */
export function stopsBeforeItsDeclaredEnd(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length >= 8 && buffer.toString('latin1', 0, 8) === '\x89PNG\r\n\x1a\n') return pngStopsBeforeIend(buffer);
  if (buffer.length >= 12 && buffer.toString('latin1', 0, 4) === 'RIFF' && buffer.toString('latin1', 8, 12) === 'WEBP') {
    return buffer.length < 8 + buffer.readUInt32LE(4);
  }
  return false;
}

/** PNG: length (4), type (4), data, CRC (4) per chunk; IHDR first, 13 bytes, else it is not a cut PNG but garbage. */
function pngStopsBeforeIend(buffer: Buffer): boolean {
  const ihdrLength = 13;
  if (buffer.length >= 16 && (buffer.readUInt32BE(8) !== ihdrLength || buffer.toString('latin1', 12, 16) !== 'IHDR')) return false;
  let offset = 8;
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset);
    if (buffer.toString('latin1', offset + 4, offset + 8) === 'IEND') return false;
    offset += 12 + length;
  }
  return true;
}
