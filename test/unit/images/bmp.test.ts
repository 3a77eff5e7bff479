// Glimpse's own BMP decoder (src/core/images/bmp.ts): exact pixels for every variant it reads,
// alpha handling, the checks that refuse damaged or hostile headers, and BMPs going through
// prepareImage to the PNG the model is sent.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { GlimpseError, GlimpseErrorCode } from '../../../src/core/errors';
import { DecodedBmp, decodeBmp } from '../../../src/core/images/bmp';
import { prepareImage } from '../../../src/core/images/prepare';
import {
  BLUE,
  GREEN,
  RED,
  Rgb,
  TestBmpOptions,
  WHITE,
  YELLOW,
  createBmp,
  createBmpBombHeader,
  generatedImagesDir,
  pixelAt,
  testImagePixels,
} from '../../fixtures/images';

const noLimit = Number.MAX_SAFE_INTEGER;

/** The fixture's pattern as the decoder should return it: RGB, or RGBA when `channels` is 4. */
function expectedPixels(options: TestBmpOptions, channels: 3 | 4): Buffer {
  const rgba = testImagePixels(options.width, options.height, options.pattern ?? 'quadrants', options.alpha ?? false);
  if (channels === 4) return rgba;
  return Buffer.from(rgba.filter((_, i) => i % 4 !== 3));
}

function decodeThrows(bytes: Buffer, code: GlimpseErrorCode, phrase: string, maxInputPixels = noLimit): void {
  assert.throws(
    () => decodeBmp(bytes, 'test.bmp', maxInputPixels),
    (error: unknown) => {
      assert.ok(error instanceof GlimpseError, String(error));
      assert.equal(error.code, code, error.message);
      assert.ok(error.message.includes(phrase), `"${error.message}" does not mention "${phrase}"`);
      return true;
    },
  );
}

describe('decodeBmp', () => {
  it("reads Wikipedia's 2×2 24-bit example byte for byte: bottom row red, white; top row blue, green", () => {
    const bytes = Buffer.from(
      '424d46000000000000003600000028000000020000000200000001001800000000001000000013' +
        '0b0000130b00000000000000000000' +
        '0000ffffffff0000' + // bottom row: red, white, 2 bytes of padding
        'ff000000ff000000', // top row: blue, green, padding
      'hex',
    );
    const decoded = decodeBmp(bytes, 'wiki.bmp', noLimit);
    assert.deepEqual([decoded.width, decoded.height, decoded.channels], [2, 2, 3]);
    assert.deepEqual([...decoded.data], [...BLUE, ...GREEN, ...RED, ...WHITE]);
  });

  const variants: ReadonlyArray<{ name: string; options: TestBmpOptions; channels: 3 | 4 }> = [
    { name: '24-bit, bottom-up', options: { width: 6, height: 4 }, channels: 3 },
    { name: '24-bit, top-down', options: { width: 6, height: 4, topDown: true }, channels: 3 },
    { name: '24-bit with row padding (width 5)', options: { width: 5, height: 3 }, channels: 3 },
    { name: '1-bit palette', options: { width: 13, height: 3, bitsPerPixel: 1, pattern: 'halves' }, channels: 3 },
    { name: '4-bit palette, odd width', options: { width: 7, height: 4, bitsPerPixel: 4 }, channels: 3 },
    { name: '8-bit palette of many colours', options: { width: 120, height: 60, bitsPerPixel: 8, pattern: 'screenshot' }, channels: 3 },
    { name: '8-bit palette, top-down', options: { width: 6, height: 4, bitsPerPixel: 8, topDown: true }, channels: 3 },
    { name: '16-bit BI_RGB (5-5-5)', options: { width: 6, height: 4, bitsPerPixel: 16 }, channels: 3 },
    {
      name: '16-bit 5-6-5 bit fields',
      options: { width: 5, height: 4, bitsPerPixel: 16, masks: { red: 0xf800, green: 0x07e0, blue: 0x001f } },
      channels: 3,
    },
    { name: '32-bit BI_RGB with an unused (zero) fourth byte', options: { width: 6, height: 4, bitsPerPixel: 32 }, channels: 3 },
    { name: '32-bit BI_RGB with alpha in the fourth byte', options: { width: 6, height: 4, bitsPerPixel: 32, alpha: true }, channels: 4 },
    {
      name: '32-bit bit fields with alpha, V4 header',
      options: { width: 6, height: 4, bitsPerPixel: 32, alpha: true, header: 'v4', masks: { red: 0xff0000, green: 0xff00, blue: 0xff, alpha: 0xff000000 } },
      channels: 4,
    },
    {
      name: '32-bit bit fields in RGBA order with alpha, V5 header',
      options: { width: 6, height: 4, bitsPerPixel: 32, alpha: true, header: 'v5', masks: { red: 0xff000000, green: 0xff0000, blue: 0xff00, alpha: 0xff } },
      channels: 4,
    },
    {
      name: '32-bit BI_ALPHABITFIELDS after a 40-byte header',
      options: { width: 6, height: 4, bitsPerPixel: 32, alpha: true, masks: { red: 0xff0000, green: 0xff00, blue: 0xff, alpha: 0xff000000 } },
      channels: 4,
    },
    {
      name: '32-bit bit fields with an alpha mask but every pixel opaque',
      options: { width: 6, height: 4, bitsPerPixel: 32, header: 'v5', masks: { red: 0xff0000, green: 0xff00, blue: 0xff, alpha: 0xff000000 } },
      channels: 3,
    },
    {
      name: '16-bit 4-4-4-4 bit fields with alpha, V5 header',
      options: { width: 6, height: 4, bitsPerPixel: 16, alpha: true, header: 'v5', masks: { red: 0x0f00, green: 0x00f0, blue: 0x000f, alpha: 0xf000 } },
      channels: 4,
    },
    {
      name: '32-bit 10-10-10 bit fields (channels wider than a byte)',
      options: { width: 6, height: 4, bitsPerPixel: 32, masks: { red: 0x3ff00000, green: 0x000ffc00, blue: 0x000003ff } },
      channels: 3,
    },
    { name: 'OS/2 core header, 24-bit', options: { width: 6, height: 4, header: 'core' }, channels: 3 },
    { name: 'OS/2 core header, 8-bit palette of 3-byte entries', options: { width: 6, height: 4, header: 'core', bitsPerPixel: 8 }, channels: 3 },
  ];
  for (const { name, options, channels } of variants) {
    it(`decodes ${name} to the exact pixels`, () => {
      const decoded: DecodedBmp = decodeBmp(createBmp(options), 'test.bmp', noLimit);
      assert.deepEqual([decoded.width, decoded.height, decoded.channels], [options.width, options.height, channels]);
      assert.ok(decoded.data.equals(expectedPixels(options, channels)), 'pixels differ from the pattern');
    });
  }

  it('refuses more pixels than maxInputPixels before reading or allocating pixel data', () => {
    // The file holds no pixel data at all: only the pixel-count check can come first.
    decodeThrows(createBmpBombHeader(30_000, 30_000), 'image-too-many-pixels', 'test.bmp is 30000×30000 pixels', 100_000_000);
    decodeThrows(createBmp({ width: 20, height: 10 }), 'image-too-many-pixels', '20×10 pixels', 199);
  });

  it('checks the pixel data against the file length before allocating, whatever the limit', () => {
    decodeThrows(createBmpBombHeader(30_000, 30_000), 'image-corrupt', `the pixel data stops after 16 of ${30_000 * 30_000 * 3} bytes`);
  });

  it('accepts a last row without its padding, as some writers save it', () => {
    const bmp = createBmp({ width: 5, height: 3 });
    const decoded = decodeBmp(bmp.subarray(0, bmp.length - 1), 'test.bmp', noLimit);
    assert.ok(decoded.data.equals(expectedPixels({ width: 5, height: 3 }, 3)));
  });

  /** A 4×4 24-bit BMP with one header field changed. */
  function patched(write: (file: Buffer) => void, options: TestBmpOptions = { width: 4, height: 4 }): Buffer {
    const file = Buffer.from(createBmp(options));
    write(file);
    return file;
  }

  const corrupt: ReadonlyArray<[string, Buffer, string]> = [
    ['an impossible header size', patched((f) => f.writeUInt32LE(4000, 14)), 'declares a size of 4000 bytes'],
    ['a zero width', patched((f) => f.writeInt32LE(0, 18)), 'size of 0×4'],
    ['a negative width', patched((f) => f.writeInt32LE(-4, 18)), 'size of -4×4'],
    ['a zero height', patched((f) => f.writeInt32LE(0, 22)), 'size of 4×0'],
    ['two colour planes', patched((f) => f.writeUInt16LE(2, 26)), '2 colour planes'],
    ['7 bits per pixel', patched((f) => f.writeUInt16LE(7, 28)), '7 bits per pixel'],
    ['an unknown compression type', patched((f) => f.writeUInt32LE(9, 30)), 'compression type 9'],
    ['bit fields on 24-bit pixels', patched((f) => f.writeUInt32LE(3, 30)), 'masks exist only for 16 and 32 bits'],
    ['pixel data said to start past the end', patched((f) => f.writeUInt32LE(1_000_000, 10)), 'start at byte 1000000'],
    ['pixel data said to start inside the header', patched((f) => f.writeUInt32LE(20, 10)), 'start at byte 20'],
    [
      'a palette running past the end',
      createBmp({ width: 4, height: 4, bitsPerPixel: 8 }).subarray(0, 60),
      'ends inside its 4-colour palette',
    ],
    [
      'a mask that is not one run of bits',
      patched((f) => f.writeUInt32LE(0xf00f, 54), { width: 4, height: 4, bitsPerPixel: 16, masks: { red: 0xf800, green: 0x07e0, blue: 0x001f } }),
      'red mask 0xf00f is not one run of bits',
    ],
    [
      'a 16-bit mask wider than the pixel',
      patched((f) => f.writeUInt32LE(0x1f0000, 62), { width: 4, height: 4, bitsPerPixel: 16, masks: { red: 0xf800, green: 0x07e0, blue: 0x001f } }),
      'blue mask 0x1f0000 reaches past 16-bit pixels',
    ],
    [
      'overlapping masks',
      patched((f) => f.writeUInt32LE(0xff00, 54), { width: 4, height: 4, bitsPerPixel: 32, header: 'v4', masks: { red: 0xff0000, green: 0xff00, blue: 0xff } }),
      "green mask 0xff00 overlaps another channel's",
    ],
  ];
  for (const [name, bytes, phrase] of corrupt) {
    it(`refuses ${name} as corrupt`, () => decodeThrows(bytes, 'image-corrupt', phrase));
  }

  const compressed: ReadonlyArray<[number, string]> = [
    [1, 'an RLE-compressed BMP (RLE8)'],
    [2, 'an RLE-compressed BMP (RLE4)'],
    [4, 'a BMP that wraps a JPEG'],
    [5, 'a BMP that wraps a PNG'],
    [11, 'a CMYK BMP'],
  ];
  for (const [compression, phrase] of compressed) {
    it(`refuses compression type ${compression} as unsupported: "${phrase}"`, () => {
      decodeThrows(patched((f) => f.writeUInt32LE(compression, 30)), 'image-unsupported', `test.bmp is ${phrase}, which Glimpse cannot read`);
    });
  }

  it('refuses an OS/2 2.x BMP as unsupported rather than corrupt', () => {
    decodeThrows(patched((f) => f.writeUInt32LE(64, 14)), 'image-unsupported', 'an OS/2 2.x BMP');
  });
});

describe('prepareImage: BMP', () => {
  const budget = { maxLongSide: 2000 };

  async function assertColours(data: Buffer, expected: ReadonlyArray<[number, number, Rgb]>): Promise<void> {
    for (const [x, y, colour] of expected) assert.deepEqual(await pixelAt(data, x, y), colour, `pixel (${x}, ${y})`);
  }

  /** The four quadrant centres of a 64×48 image. */
  const quadrants: ReadonlyArray<[number, number, Rgb]> = [
    [16, 12, RED],
    [48, 12, GREEN],
    [16, 36, BLUE],
    [48, 36, YELLOW],
  ];

  const cases: ReadonlyArray<[string, TestBmpOptions]> = [
    ['24-bit bottom-up', { width: 64, height: 48 }],
    ['24-bit top-down', { width: 64, height: 48, topDown: true }],
    ['8-bit palette', { width: 64, height: 48, bitsPerPixel: 8 }],
    ['16-bit 5-6-5 bit fields', { width: 64, height: 48, bitsPerPixel: 16, masks: { red: 0xf800, green: 0x07e0, blue: 0x001f } }],
  ];
  for (const [name, options] of cases) {
    it(`sends a ${name} BMP as a PNG of the same size and colours`, async () => {
      const image = await prepareImage({ bytes: createBmp(options), label: 'shot.bmp' }, budget);
      assert.deepEqual([image.sourceFormat, image.mimeType], ['bmp', 'image/png']);
      assert.deepEqual([image.width, image.height, image.originalWidth, image.originalHeight, image.downscaled], [64, 48, 64, 48, false]);
      assert.equal((await sharp(image.data).metadata()).format, 'png');
      await assertColours(image.data, quadrants);
    });
  }

  it('flattens the transparent quadrant of a 32-bit bit-field BMP onto white', async () => {
    const bytes = createBmp({
      width: 64,
      height: 48,
      bitsPerPixel: 32,
      alpha: true,
      header: 'v5',
      masks: { red: 0xff0000, green: 0xff00, blue: 0xff, alpha: 0xff000000 },
    });
    const image = await prepareImage({ bytes, label: 'icon.bmp' }, budget);
    assert.deepEqual([image.width, image.height], [64, 48]);
    assert.equal((await sharp(image.data).metadata()).hasAlpha, false);
    await assertColours(image.data, [...quadrants.slice(0, 3), [48, 36, WHITE]]);
  });

  it('shows a 32-bit BMP whose fourth byte is zero everywhere as opaque, as browsers do', async () => {
    const image = await prepareImage({ bytes: createBmp({ width: 64, height: 48, bitsPerPixel: 32 }), label: 'x.bmp' }, budget);
    await assertColours(image.data, quadrants);
  });

  it('reads a .bmp file from disk and downscales it to the budget', async () => {
    const filePath = path.join(generatedImagesDir, 'bmp', 'screenshot.bmp');
    await fs.mkdir(path.dirname(filePath), { recursive: true });
    await fs.writeFile(filePath, createBmp({ width: 400, height: 200 }));
    const image = await prepareImage({ path: filePath }, { maxLongSide: 100 });
    assert.deepEqual([image.label, image.width, image.height, image.originalWidth, image.originalHeight], ['screenshot.bmp', 100, 50, 400, 200]);
    assert.equal(image.downscaled, true);
    await assertColours(image.data, [
      [25, 12, RED],
      [75, 12, GREEN],
      [25, 37, BLUE],
      [75, 37, YELLOW],
    ]);
  });
});
