// prepareImage on images it must refuse, each with its own error code and a message that names
// the problem: missing files, oversized files, decompression bombs, damaged and unknown data,
// formats this build cannot decode, and cancellation.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { GlimpseError, GlimpseErrorCode } from '../../../src/core/errors';
import { prepareImage } from '../../../src/core/images/prepare';
import {
  createBmp,
  createBmpBombHeader,
  createHeicSignature,
  createPngBombHeader,
  createTestImage,
  generatedImagesDir,
  seededRandom,
  writeTestImage,
} from '../../fixtures/images';

const budget = { maxLongSide: 1344 };
const dir = path.join(generatedImagesDir, 'refusals');

/** Awaits a rejection with a GlimpseError of `code` whose message contains every one of `phrases`. */
async function assertRefused(promise: Promise<unknown>, code: GlimpseErrorCode, phrases: readonly string[] = []): Promise<GlimpseError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof GlimpseError, `expected a GlimpseError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const phrase of phrases) assert.ok(caught.message.includes(phrase), `"${caught.message}" does not mention "${phrase}"`);
  return caught;
}

describe('prepareImage refuses', () => {
  it('a missing file, naming its path', async () => {
    const missing = path.join(dir, 'no-such-image.png');
    await assertRefused(prepareImage({ path: missing }, budget), 'image-missing', [missing]);
  });

  it('a folder given as an image', async () => {
    await fs.mkdir(dir, { recursive: true });
    await assertRefused(prepareImage({ path: dir }, budget), 'image-unreadable', ['is a folder']);
  });

  it('a file over maxFileBytes, with sizes and the limit to raise', async () => {
    const filePath = await writeTestImage(path.join(dir, 'big-file.png'), { width: 700, height: 700, format: 'png', pattern: 'noise' });
    const size = (await fs.stat(filePath)).size;
    assert.ok(size > 1.4 * 1024 * 1024 && size <= 1.5 * 1024 * 1024, `fixture is ${size} bytes`);
    const refused = await assertRefused(prepareImage({ path: filePath }, budget, { maxFileBytes: 1024 * 1024 }), 'image-too-large-file', [
      'big-file.png is 1.5 MB, over the 1 MB limit for images.',
      'Crop or shrink it, or raise the image size limit.',
    ]);
    assert.deepEqual(refused.optionsToChange, ['maxImageMegabytes']);
    // The same file passes with the default limit.
    assert.equal((await prepareImage({ path: filePath }, budget)).width, 700);
  });

  it('pasted bytes over the default 50 MB limit, in megabytes', async () => {
    const bytes = Buffer.alloc(51 * 1024 * 1024);
    await assertRefused(prepareImage({ bytes, label: 'pasted image' }, budget), 'image-too-large-file', [
      'pasted image is 51 MB, over the 50 MB limit',
    ]);
  });

  it('never rounds a size just over the limit down to the limit', async () => {
    const bytes = Buffer.alloc(50 * 1024 * 1024 + 1);
    await assertRefused(prepareImage({ bytes, label: 'pasted image' }, budget), 'image-too-large-file', ['50.1 MB, over the 50 MB limit']);
  });

  it('a decompression bomb (PNG header declaring 30000×30000) from its header, before decoding', async () => {
    const bomb = createPngBombHeader(30_000, 30_000);
    assert.ok(bomb.length < 2000, `bomb is ${bomb.length} bytes`);
    const header = await sharp(bomb, { limitInputPixels: false }).metadata();
    assert.deepEqual([header.format, header.width, header.height], ['png', 30_000, 30_000], 'fixture is a valid PNG header');
    const filePath = path.join(dir, 'bomb.png');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(filePath, bomb);
    const started = Date.now();
    // The exact size in the message comes from the header check; sharp's own guard cannot name it.
    await assertRefused(prepareImage({ path: filePath }, budget), 'image-too-many-pixels', [
      'bomb.png is 30000×30000 pixels (900 megapixels)',
      '100 megapixel limit',
    ]);
    assert.ok(Date.now() - started < 2000, 'refused without decoding');
  });

  it('an ordinary image over a lowered maxInputPixels', async () => {
    const bytes = await createTestImage({ width: 200, height: 100, format: 'jpeg' });
    await assertRefused(prepareImage({ bytes, label: 'photo.jpg' }, budget, { maxInputPixels: 10_000 }), 'image-too-many-pixels', [
      '200×100 pixels',
      '0.01 megapixel limit',
    ]);
  });

  it('an SVG too large to draw even at 1 dpi', async () => {
    const bytes = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100000000" height="100000000"><rect width="10" height="10"/></svg>');
    await assertRefused(prepareImage({ bytes, label: 'vast.svg' }, budget), 'image-too-many-pixels', ['vast.svg is 1388889×1388889 pixels']);
  });

  it('a truncated PNG as corrupt, not unsupported', async () => {
    const png = await createTestImage({ width: 256, height: 256, format: 'png', pattern: 'screenshot' });
    const truncated = png.subarray(0, Math.floor(png.length / 2));
    await assertRefused(prepareImage({ bytes: truncated, label: 'cut.png' }, budget), 'image-corrupt', [
      'cut.png is damaged: its data ends before the 256×256 image it declares is complete. Save or export it again.',
    ]);
  });

  it('a truncated JPEG as corrupt', async () => {
    const jpeg = await createTestImage({ width: 256, height: 256, format: 'jpeg', pattern: 'screenshot' });
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length * 0.6));
    await assertRefused(prepareImage({ bytes: truncated, label: 'cut.jpg' }, budget), 'image-corrupt', [
      'cut.jpg is damaged: its data ends before the 256×256 image it declares is complete.',
    ]);
  });

  it('a PNG signature followed by anything else as a damaged PNG, not an unknown format', async () => {
    const bytes = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('this is not a png at all')]);
    await assertRefused(prepareImage({ bytes, label: 'broken.png' }, budget), 'image-corrupt', [
      'broken.png looks like a PNG image but could not be decoded',
    ]);
  });

  it('a PNG cut inside its header as corrupt, with no size (the header is what is cut)', async () => {
    const png = await createTestImage({ width: 16, height: 16, format: 'png' });
    await assertRefused(prepareImage({ bytes: png.subarray(0, 20), label: 'stub.png' }, budget), 'image-corrupt', [
      'stub.png is damaged: its data ends before the image it declares is complete.',
    ]);
  });

  it('an empty file as corrupt', async () => {
    const filePath = path.join(dir, 'empty.png');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(filePath, Buffer.alloc(0));
    await assertRefused(prepareImage({ path: filePath }, budget), 'image-corrupt', ['empty.png is empty']);
  });

  it('random bytes as unsupported, listing the supported formats', async () => {
    const random = seededRandom(7);
    const noise = Buffer.alloc(4096).map(() => Math.floor(random() * 256));
    await assertRefused(prepareImage({ bytes: noise, label: 'noise.bin' }, budget), 'image-unsupported', [
      'noise.bin is not in an image format Glimpse can read',
      'PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF and SVG',
    ]);
  });

  it('a BMP decompression bomb (header declaring 30000×30000) from its header, before decoding', async () => {
    const bomb = createBmpBombHeader(30_000, 30_000);
    assert.ok(bomb.length < 100, `bomb is ${bomb.length} bytes`);
    const started = Date.now();
    await assertRefused(prepareImage({ bytes: bomb, label: 'bomb.bmp' }, budget), 'image-too-many-pixels', [
      'bomb.bmp is 30000×30000 pixels (900 megapixels)',
    ]);
    assert.ok(Date.now() - started < 500, 'refused without decoding');
  });

  it('a truncated BMP as corrupt, saying how much pixel data is missing', async () => {
    const bmp = createBmp({ width: 64, height: 48 });
    await assertRefused(prepareImage({ bytes: bmp.subarray(0, bmp.length - 500), label: 'cut.bmp' }, budget), 'image-corrupt', [
      'cut.bmp looks like a BMP image but could not be decoded',
      `the pixel data stops after ${64 * 3 * 48 - 500} of ${64 * 3 * 48} bytes`,
    ]);
  });

  it('a BMP cut inside its header as corrupt', async () => {
    const bmp = createBmp({ width: 8, height: 8 });
    await assertRefused(prepareImage({ bytes: bmp.subarray(0, 30), label: 'stub.bmp' }, budget), 'image-corrupt', ['BMP', 'ends inside its 40-byte header']);
  });

  it('an RLE8-compressed BMP as unsupported, naming RLE and the way out', async () => {
    const bmp = createBmp({ width: 16, height: 8, bitsPerPixel: 8, rle8: true });
    await assertRefused(prepareImage({ bytes: bmp, label: 'paint.bmp' }, budget), 'image-unsupported', [
      'paint.bmp is an RLE-compressed BMP (RLE8), which Glimpse cannot read',
      'Convert it to PNG',
    ]);
  });

  it('a HEIC file as unsupported, naming HEIC', async () => {
    await assertRefused(prepareImage({ bytes: createHeicSignature(), label: 'IMG_0001.HEIC' }, budget), 'image-unsupported', ['is a HEIC image']);
  });
});

describe('prepareImage cancellation', () => {
  it('stops before reading when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assertRefused(prepareImage({ path: path.join(dir, 'never-read.png') }, budget, undefined, controller.signal), 'cancelled');
  });

  it('stops between steps when aborted while the file is being read', async () => {
    const filePath = await writeTestImage(path.join(dir, 'abort.png'), { width: 32, height: 32, format: 'png' });
    const controller = new AbortController();
    const pending = prepareImage({ path: filePath }, budget, undefined, controller.signal);
    controller.abort();
    await assertRefused(pending, 'cancelled');
  });
});
