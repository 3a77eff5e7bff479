// Reads Windows bitmaps (BMP), which the libvips bundled with sharp cannot: the file header, then
// an OS/2 core (12-byte), BITMAPINFOHEADER (40), V2/V3 (52/56), V4 (108) or V5 (124) header;
// rows bottom-up or top-down; 1, 4 and 8 bits per pixel through a palette; 16 and 32 bits with
// the default layouts (5-5-5, BGRA) or BI_BITFIELDS masks; 24-bit BGR. Compressed variants (RLE,
// embedded JPEG or PNG, CMYK) are refused by name. Every offset is checked against the buffer and
// the pixel count against the caller's limit before any pixel memory is allocated. Colour-space
// fields and embedded profiles of V4/V5 headers are ignored: pixels are taken as sRGB.

import { imageCorruptError, imageTooManyPixelsError, imageUnsupportedVariantError } from './imageErrors';

export interface BmpHeader {
  readonly width: number;
  readonly height: number;
  /** Rows are stored top row first (the header's height is negative). */
  readonly topDown: boolean;
  readonly bitsPerPixel: 1 | 4 | 8 | 16 | 24 | 32;
  /** The pixels carry an alpha channel (a mask for it); it may still turn out all opaque. */
  readonly mayHaveAlpha: boolean;
  /** Where the pixel rows start in the file. */
  readonly dataOffset: number;
  /** For 1, 4 and 8 bits per pixel: 256 RGB triples (entries the file does not give are black). */
  readonly palette?: Uint8Array;
  /** For 16 and 32 bits per pixel: where each channel sits in a little-endian pixel. */
  readonly masks?: ChannelMasks;
}

export interface ChannelMasks {
  readonly red: number;
  readonly green: number;
  readonly blue: number;
  /** 0 when the pixels have no alpha. */
  readonly alpha: number;
}

/** Raw pixels, row by row from the top, `channels` bytes each (RGB or RGBA, not premultiplied). */
export interface DecodedBmp {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: Buffer;
}

const FILE_HEADER_BYTES = 14;
const CORE_HEADER_BYTES = 12;
const INFO_HEADER_SIZES: readonly number[] = [40, 52, 56, 108, 124];
const OS2_V2_HEADER_SIZES: readonly number[] = [16, 64];

// biCompression values.
const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_JPEG = 4;
const BI_PNG = 5;
const BI_ALPHABITFIELDS = 6;
const BI_CMYK = 11;
const BI_CMYKRLE8 = 12;
const BI_CMYKRLE4 = 13;

const DEFAULT_MASKS_16: ChannelMasks = { red: 0x7c00, green: 0x03e0, blue: 0x001f, alpha: 0 };
/** 32-bit BI_RGB stores BGRX; browsers read X as alpha unless it is zero everywhere, and so does Glimpse. */
const DEFAULT_MASKS_32: ChannelMasks = { red: 0x00ff0000, green: 0x0000ff00, blue: 0x000000ff, alpha: 0xff000000 };

/** True when the bytes start with the BMP signature "BM". */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** Parses and checks the headers, palette and masks; reads no pixels and allocates no pixel memory. */
export function readBmpHeader(bytes: Uint8Array, label: string): BmpHeader {
  const corrupt = (reason: string) => imageCorruptError(label, 'BMP', new Error(reason));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isBmp(bytes)) throw corrupt('it does not start with the BMP signature "BM"');
  if (bytes.length < FILE_HEADER_BYTES + 4) throw corrupt(`the file ends inside its header, after ${bytes.length} bytes`);

  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(FILE_HEADER_BYTES, true);
  if (OS2_V2_HEADER_SIZES.includes(headerSize)) {
    throw imageUnsupportedVariantError(label, 'an OS/2 2.x BMP', 'Windows BMPs');
  }
  if (headerSize !== CORE_HEADER_BYTES && !INFO_HEADER_SIZES.includes(headerSize)) {
    throw corrupt(`its header declares a size of ${headerSize} bytes, which no BMP version has`);
  }
  const headerEnd = FILE_HEADER_BYTES + headerSize;
  if (bytes.length < headerEnd) throw corrupt(`the file ends inside its ${headerSize}-byte header, after ${bytes.length} bytes`);

  const at = FILE_HEADER_BYTES;
  let width: number;
  let signedHeight: number;
  let planes: number;
  let bitsPerPixel: number;
  let compression = BI_RGB;
  let colorsUsed = 0;
  let paletteEntryBytes = 4;
  if (headerSize === CORE_HEADER_BYTES) {
    width = view.getUint16(at + 4, true);
    signedHeight = view.getUint16(at + 6, true);
    planes = view.getUint16(at + 8, true);
    bitsPerPixel = view.getUint16(at + 10, true);
    paletteEntryBytes = 3;
    if (![1, 4, 8, 24].includes(bitsPerPixel)) throw corrupt(`its OS/2 header gives ${bitsPerPixel} bits per pixel, which that version does not have`);
  } else {
    width = view.getInt32(at + 4, true);
    signedHeight = view.getInt32(at + 8, true);
    planes = view.getUint16(at + 12, true);
    bitsPerPixel = view.getUint16(at + 14, true);
    compression = view.getUint32(at + 16, true);
    colorsUsed = view.getUint32(at + 32, true);
  }

  refuseCompressed(compression, label);
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw corrupt(`its header gives compression type ${compression}, which no BMP version has`);
  }
  // -2^31 has no positive counterpart in 32 bits.
  if (!(width > 0) || signedHeight === 0 || signedHeight === -0x80000000) {
    throw corrupt(`the header gives a size of ${width}×${signedHeight}`);
  }
  if (planes !== 1) throw corrupt(`the header gives ${planes} colour planes instead of 1`);
  if (!isBitDepth(bitsPerPixel)) throw corrupt(`the header gives ${bitsPerPixel} bits per pixel`);
  const usesMasks = compression !== BI_RGB;
  if (usesMasks && bitsPerPixel !== 16 && bitsPerPixel !== 32) {
    throw corrupt(`it declares bit-field masks for ${bitsPerPixel}-bit pixels; masks exist only for 16 and 32 bits`);
  }

  // Masks sit inside V2+ headers, or just after a 40-byte header.
  let masks: ChannelMasks | undefined;
  let tableEnd = headerEnd;
  if (bitsPerPixel === 16 || bitsPerPixel === 32) {
    masks = bitsPerPixel === 16 ? DEFAULT_MASKS_16 : DEFAULT_MASKS_32;
    if (usesMasks) {
      const masksAt = headerSize === 40 ? headerEnd : at + 40;
      // V3+ headers always hold an alpha mask; after a 40-byte header it follows only BI_ALPHABITFIELDS.
      const maskCount = headerSize >= 56 || (headerSize === 40 && compression === BI_ALPHABITFIELDS) ? 4 : 3;
      if (headerSize === 40) tableEnd += maskCount * 4;
      if (bytes.length < masksAt + maskCount * 4) throw corrupt('the file ends inside its colour masks');
      const mask = (index: number) => view.getUint32(masksAt + index * 4, true);
      masks = { red: mask(0), green: mask(1), blue: mask(2), alpha: maskCount === 4 ? mask(3) : 0 };
      const problem = maskProblem(masks, bitsPerPixel);
      if (problem) throw corrupt(problem);
    }
  }

  let palette: Uint8Array | undefined;
  if (bitsPerPixel <= 8) {
    const entries = Math.min(colorsUsed === 0 ? 2 ** bitsPerPixel : colorsUsed, 2 ** bitsPerPixel);
    const paletteEnd = tableEnd + entries * paletteEntryBytes;
    if (bytes.length < paletteEnd) throw corrupt(`the file ends inside its ${entries}-colour palette`);
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < entries; i++) {
      const entry = tableEnd + i * paletteEntryBytes;
      palette[i * 3] = bytes[entry + 2];
      palette[i * 3 + 1] = bytes[entry + 1];
      palette[i * 3 + 2] = bytes[entry];
    }
    tableEnd = paletteEnd;
  }

  if (dataOffset < tableEnd || dataOffset > bytes.length) {
    throw corrupt(`its pixel data is said to start at byte ${dataOffset}, outside ${tableEnd}–${bytes.length}`);
  }

  return {
    width,
    height: Math.abs(signedHeight),
    topDown: signedHeight < 0,
    bitsPerPixel,
    mayHaveAlpha: masks !== undefined && masks.alpha !== 0,
    dataOffset,
    palette,
    masks,
  };
}

/**
 * Decodes a BMP to raw RGB, or RGBA when its alpha channel is used (an alpha that is zero
 * everywhere or 255 everywhere gives RGB). Throws image-too-many-pixels above `maxInputPixels`,
 * before allocating, and image-corrupt when the pixel rows run past the end of the file.
 */
export function decodeBmp(bytes: Uint8Array, label: string, maxInputPixels: number): DecodedBmp {
  const header = readBmpHeader(bytes, label);
  const { width, height, bitsPerPixel, dataOffset } = header;
  if (width * height > maxInputPixels) throw imageTooManyPixelsError(label, width, height, maxInputPixels);

  // Rows are padded to a multiple of 4 bytes; the last row's padding may be missing.
  const stride = Math.floor((width * bitsPerPixel + 31) / 32) * 4;
  const rowBytes = Math.ceil((width * bitsPerPixel) / 8);
  const needed = stride * (height - 1) + rowBytes;
  const available = bytes.length - dataOffset;
  if (available < needed) {
    throw imageCorruptError(label, 'BMP', new Error(`the pixel data stops after ${available} of ${needed} bytes`));
  }

  const rowStart = (y: number) => dataOffset + (header.topDown ? y : height - 1 - y) * stride;
  if (header.palette) return decodePaletted(bytes, header, header.palette, rowStart);
  if (bitsPerPixel === 24) return decodeBgr(bytes, width, height, rowStart);
  const masks = header.masks ?? DEFAULT_MASKS_32;
  if (bitsPerPixel === 32 && [masks.red, masks.green, masks.blue].every(isByteMask) && (masks.alpha === 0 || isByteMask(masks.alpha))) {
    return decodeByteAligned(bytes, header, masks, rowStart);
  }
  return decodeMasked(bytes, header, masks, rowStart);
}

function decodePaletted(bytes: Uint8Array, header: BmpHeader, palette: Uint8Array, rowStart: (y: number) => number): DecodedBmp {
  const { width, height, bitsPerPixel } = header;
  const data = Buffer.allocUnsafe(width * height * 3);
  const pixelsPerByte = 8 / bitsPerPixel;
  const indexMask = (1 << bitsPerPixel) - 1;
  let out = 0;
  for (let y = 0; y < height; y++) {
    const row = rowStart(y);
    for (let x = 0; x < width; x++) {
      let index: number;
      if (bitsPerPixel === 8) {
        index = bytes[row + x];
      } else {
        // The leftmost pixel sits in the most significant bits.
        const shift = 8 - bitsPerPixel * ((x % pixelsPerByte) + 1);
        index = (bytes[row + Math.floor(x / pixelsPerByte)] >> shift) & indexMask;
      }
      const entry = index * 3;
      data[out++] = palette[entry];
      data[out++] = palette[entry + 1];
      data[out++] = palette[entry + 2];
    }
  }
  return { width, height, channels: 3, data };
}

function decodeBgr(bytes: Uint8Array, width: number, height: number, rowStart: (y: number) => number): DecodedBmp {
  const data = Buffer.allocUnsafe(width * height * 3);
  let out = 0;
  for (let y = 0; y < height; y++) {
    let source = rowStart(y);
    const rowEnd = source + width * 3;
    for (; source < rowEnd; source += 3) {
      data[out++] = bytes[source + 2];
      data[out++] = bytes[source + 1];
      data[out++] = bytes[source];
    }
  }
  return { width, height, channels: 3, data };
}

/**
 * 32-bit pixels whose channels are whole bytes (BGRA, BGRX, RGBA, …), the common case and a 4K
 * screenshot's hot path: bytes are copied, and the alpha bytes are looked at first so that an
 * unused alpha channel is never written.
 */
function decodeByteAligned(bytes: Uint8Array, header: BmpHeader, masks: ChannelMasks, rowStart: (y: number) => number): DecodedBmp {
  const { width, height } = header;
  const [red, green, blue] = [masks.red, masks.green, masks.blue].map(byteOfMask);
  const alpha = masks.alpha === 0 ? -1 : byteOfMask(masks.alpha);
  let channels: 3 | 4 = 3;
  if (alpha >= 0) {
    let alphaAny = 0;
    let alphaAll = 255;
    for (let y = 0; y < height; y++) {
      const rowEnd = rowStart(y) + width * 4;
      for (let source = rowStart(y) + alpha; source < rowEnd; source += 4) {
        alphaAny |= bytes[source];
        alphaAll &= bytes[source];
      }
    }
    // Zero everywhere: an unused fourth byte (browsers show such images opaque). 255 everywhere: opaque.
    if (alphaAny !== 0 && alphaAll !== 255) channels = 4;
  }
  const data = Buffer.allocUnsafe(width * height * channels);
  let out = 0;
  for (let y = 0; y < height; y++) {
    const rowEnd = rowStart(y) + width * 4;
    for (let source = rowStart(y); source < rowEnd; source += 4) {
      data[out++] = bytes[source + red];
      data[out++] = bytes[source + green];
      data[out++] = bytes[source + blue];
      if (channels === 4) data[out++] = bytes[source + alpha];
    }
  }
  return { width, height, channels, data };
}

/** 16- and 32-bit pixels: each channel is cut out by its mask and scaled to 0–255. */
function decodeMasked(bytes: Uint8Array, header: BmpHeader, masks: ChannelMasks, rowStart: (y: number) => number): DecodedBmp {
  const { width, height, bitsPerPixel } = header;
  const hasAlpha = masks.alpha !== 0;
  const channels = hasAlpha ? 4 : 3;
  const data = Buffer.allocUnsafe(width * height * channels);
  const red = channelReader(masks.red);
  const green = channelReader(masks.green);
  const blue = channelReader(masks.blue);
  const alpha = channelReader(masks.alpha);
  const bytesPerPixel = bitsPerPixel / 8;
  let alphaAny = 0;
  let alphaAll = 255;
  let out = 0;
  for (let y = 0; y < height; y++) {
    let source = rowStart(y);
    for (let x = 0; x < width; x++, source += bytesPerPixel) {
      const pixel =
        bytesPerPixel === 2
          ? bytes[source] | (bytes[source + 1] << 8)
          : (bytes[source] | (bytes[source + 1] << 8) | (bytes[source + 2] << 16) | (bytes[source + 3] << 24)) >>> 0;
      data[out++] = red.table[(pixel >>> red.shift) & red.mask];
      data[out++] = green.table[(pixel >>> green.shift) & green.mask];
      data[out++] = blue.table[(pixel >>> blue.shift) & blue.mask];
      if (hasAlpha) {
        const value = alpha.table[(pixel >>> alpha.shift) & alpha.mask];
        data[out++] = value;
        alphaAny |= value;
        alphaAll &= value;
      }
    }
  }
  // Zero everywhere: an unused fourth byte (browsers show such images opaque). 255 everywhere: opaque.
  if (hasAlpha && (alphaAny === 0 || alphaAll === 255)) return { width, height, channels: 3, data: dropAlpha(data, width * height) };
  return { width, height, channels, data };
}

interface ChannelReader {
  /** Shift that brings the channel's top (at most 8) bits to the bottom. */
  readonly shift: number;
  readonly mask: number;
  /** Those bits → 0–255. */
  readonly table: Uint8Array;
}

/** A 5-bit channel's 31 becomes 255, a 6-bit channel's 63 too; channels wider than 8 bits keep their top 8. */
function channelReader(channelMask: number): ChannelReader {
  if (channelMask === 0) return { shift: 0, mask: 0, table: new Uint8Array(1) };
  const lowestBit = 31 - Math.clz32(channelMask & -channelMask);
  const bits = 32 - Math.clz32(channelMask >>> lowestBit);
  const keptBits = Math.min(bits, 8);
  const max = 2 ** keptBits - 1;
  const table = new Uint8Array(max + 1);
  for (let value = 0; value <= max; value++) table[value] = Math.round((value * 255) / max);
  return { shift: lowestBit + bits - keptBits, mask: max, table };
}

/** Why the masks cannot describe `bitsPerPixel`-bit pixels, or undefined when they can. */
function maskProblem(masks: ChannelMasks, bitsPerPixel: number): string | undefined {
  const named: ReadonlyArray<[string, number]> = [
    ['red', masks.red],
    ['green', masks.green],
    ['blue', masks.blue],
    ['alpha', masks.alpha],
  ];
  let seen = 0;
  for (const [name, mask] of named) {
    const hex = `0x${mask.toString(16)}`;
    if (bitsPerPixel < 32 && mask >>> bitsPerPixel !== 0) return `its ${name} mask ${hex} reaches past ${bitsPerPixel}-bit pixels`;
    const shifted = mask === 0 ? 0 : mask >>> (31 - Math.clz32(mask & -mask));
    if ((shifted & (shifted + 1)) !== 0) return `its ${name} mask ${hex} is not one run of bits`;
    if ((seen & mask) !== 0) return `its ${name} mask ${hex} overlaps another channel's`;
    seen |= mask;
  }
  if (masks.red === 0 && masks.green === 0 && masks.blue === 0) return 'its colour masks are all zero';
  return undefined;
}

function refuseCompressed(compression: number, label: string): void {
  const variants: Record<number, string> = {
    [BI_RLE8]: 'an RLE-compressed BMP (RLE8)',
    [BI_RLE4]: 'an RLE-compressed BMP (RLE4)',
    [BI_JPEG]: 'a BMP that wraps a JPEG',
    [BI_PNG]: 'a BMP that wraps a PNG',
    [BI_CMYK]: 'a CMYK BMP',
    [BI_CMYKRLE8]: 'an RLE-compressed CMYK BMP',
    [BI_CMYKRLE4]: 'an RLE-compressed CMYK BMP',
  };
  const variant = variants[compression];
  if (variant) throw imageUnsupportedVariantError(label, variant, 'uncompressed BMPs');
}

/** 0xff, 0xff00, 0xff0000 or 0xff000000: one whole byte of a little-endian 32-bit pixel. */
function isByteMask(mask: number): boolean {
  return mask === 0xff || mask === 0xff00 || mask === 0xff0000 || mask === 0xff000000;
}

/** Which byte of a little-endian pixel a byte mask selects. */
function byteOfMask(mask: number): number {
  return (31 - Math.clz32(mask & -mask)) / 8;
}

function isBitDepth(bits: number): bits is BmpHeader['bitsPerPixel'] {
  return bits === 1 || bits === 4 || bits === 8 || bits === 16 || bits === 24 || bits === 32;
}

function dropAlpha(rgba: Buffer, pixels: number): Buffer {
  const rgb = Buffer.allocUnsafe(pixels * 3);
  for (let i = 0, o = 0; o < rgb.length; i += 4) {
    rgb[o++] = rgba[i];
    rgb[o++] = rgba[i + 1];
    rgb[o++] = rgba[i + 2];
  }
  return rgb;
}
