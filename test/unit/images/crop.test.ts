// A crop is an input's `crop`, cut by prepareImage in one pass: the sent image is the rectangle of
// the full-resolution original after EXIF orientation, keeps the source's lossless/lossy kind, is
// encoded once, and reaches the model sharper than the whole image; rectangles that do not fit
// are refused. cropPreview is a small oriented JPEG of the whole image for the crop dialog.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { CROP_PREVIEW_MAX_SIDE, MIN_CROP_SIDE, cropPreview, isWholeImage } from '../../../src/core/images/crop';
import { JPEG_QUALITY } from '../../../src/core/images/encode';
import { prepareImage, type ImageBudget, type ImageInput, type PreparedImage } from '../../../src/core/images/prepare';
import { BLUE, GREEN, RED, Rgb, WHITE, YELLOW, createBmp, createTestImage, isNearColour, pixelAt, writeTestImage } from '../../fixtures/images';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';

async function assertColourAt(encoded: Buffer, x: number, y: number, expected: Rgb, tolerance = 40): Promise<void> {
  const actual = await pixelAt(encoded, x, y);
  assert.ok(isNearColour(actual, expected, tolerance), `pixel (${x}, ${y}) is ${actual.join(',')}, expected about ${expected.join(',')}`);
}

/** Large enough that no crop here is scaled: what is sent is the rectangle itself. */
const roomy: ImageBudget = { maxLongSide: 4096 };

function prepareCrop(input: ImageInput, budget: ImageBudget = roomy): Promise<PreparedImage> {
  return prepareImage(input, budget);
}

describe('prepareImage with a crop', () => {
  it('cuts the rectangle at full resolution: the top-right quadrant of a 200×100 PNG is sent as 100×50 of green, as PNG', async () => {
    const bytes = await createTestImage({ width: 200, height: 100, format: 'png' });
    const sent = await prepareCrop({ bytes, label: 'quadrants.png', crop: { x: 100, y: 0, width: 100, height: 50 } });
    assert.deepEqual([sent.width, sent.height, sent.originalWidth, sent.originalHeight], [100, 50, 100, 50]);
    assert.deepEqual([sent.label, sent.mimeType, sent.downscaled, sent.sourceFormat], ['quadrants.png (cropped)', 'image/png', false, 'png']);
    const metadata = await sharp(sent.data).metadata();
    assert.deepEqual([metadata.format, metadata.width, metadata.height], ['png', 100, 50]);
    for (const [x, y] of [[0, 0], [99, 0], [0, 49], [99, 49], [50, 25]]) await assertColourAt(sent.data, x, y, GREEN, 5);
  });

  it('a rectangle across the middle keeps each quadrant where it was', async () => {
    const bytes = await createTestImage({ width: 200, height: 100, format: 'png' });
    const sent = await prepareCrop({ bytes, label: 'q.png', crop: { x: 60, y: 30, width: 80, height: 40 } });
    assert.deepEqual([sent.width, sent.height], [80, 40]);
    await assertColourAt(sent.data, 10, 5, RED, 5);
    await assertColourAt(sent.data, 70, 5, GREEN, 5);
    await assertColourAt(sent.data, 10, 35, BLUE, 5);
    await assertColourAt(sent.data, 70, 35, YELLOW, 5);
  });

  it('measures the rectangle on the oriented image (EXIF orientation 6: a quarter turn clockwise)', async () => {
    // Stored 80×40 as quadrants red|green over blue|yellow; shown 40×80 as blue|red over yellow|green.
    const bytes = await createTestImage({ width: 80, height: 40, format: 'jpeg', orientation: 6 });
    const topLeft = await prepareCrop({ bytes, label: 'photo.jpg', crop: { x: 0, y: 0, width: 20, height: 40 } });
    assert.deepEqual([topLeft.width, topLeft.height], [20, 40]);
    await assertColourAt(topLeft.data, 10, 20, BLUE);
    const bottomRight = await prepareCrop({ bytes, label: 'photo.jpg', crop: { x: 20, y: 40, width: 20, height: 40 } });
    await assertColourAt(bottomRight.data, 10, 20, GREEN);
    assert.equal((await sharp(bottomRight.data).metadata()).orientation, undefined, 'the crop carries no orientation tag to apply twice');
  });

  it('a lossy source is sent as JPEG, transparency flattened on white', async () => {
    const jpeg = await prepareCrop({ bytes: await createTestImage({ width: 64, height: 64, format: 'jpeg' }), label: 'a.jpg', crop: { x: 0, y: 0, width: 32, height: 32 } });
    assert.equal(jpeg.mimeType, 'image/jpeg');
    assert.equal((await sharp(jpeg.data).metadata()).format, 'jpeg');
    await assertColourAt(jpeg.data, 16, 16, RED);

    const webp = await createTestImage({ width: 64, height: 64, format: 'webp', alpha: true });
    const flattened = await prepareCrop({ bytes: webp, label: 'a.webp', crop: { x: 32, y: 32, width: 32, height: 32 } });
    assert.deepEqual([flattened.mimeType, flattened.width, flattened.height], ['image/jpeg', 32, 32]);
    await assertColourAt(flattened.data, 16, 16, WHITE);
  });

  it('crops a BMP (decoded by Glimpse itself, not sharp)', async () => {
    const sent = await prepareCrop({ bytes: createBmp({ width: 40, height: 40 }), label: 'old.bmp', crop: { x: 20, y: 20, width: 20, height: 20 } });
    assert.deepEqual([sent.mimeType, sent.width, sent.height], ['image/png', 20, 20]);
    await assertColourAt(sent.data, 10, 10, YELLOW, 5);
  });

  it('measures an SVG crop in its declared pixels: the right half of a 200×100 drawing is blue', async () => {
    const bytes = await createTestImage({ width: 200, height: 100, format: 'svg', pattern: 'halves' });
    const sent = await prepareCrop({ bytes, label: 'diagram.svg', crop: { x: 100, y: 0, width: 100, height: 100 } });
    assert.deepEqual([sent.width, sent.height, sent.mimeType], [100, 100, 'image/png']);
    for (const [x, y] of [[2, 2], [97, 97], [50, 50]]) await assertColourAt(sent.data, x, y, BLUE, 5);
  });

  it('the crop reaches the model sharper: 1600×400 is sent as 448×112, a 400×300 crop of it as 400×300', async () => {
    const bytes = await createTestImage({ width: 1600, height: 400, format: 'png', pattern: 'screenshot' });
    const budget = { maxLongSide: 448 };
    const whole = await prepareImage({ bytes, label: 'wide.png' }, budget);
    assert.deepEqual([whole.width, whole.height], [448, 112]);
    const sent = await prepareImage({ bytes, label: 'wide.png', crop: { x: 100, y: 50, width: 400, height: 300 } }, budget);
    assert.deepEqual([sent.width, sent.height, sent.originalWidth, sent.originalHeight], [400, 300, 400, 300]);
    assert.equal(sent.downscaled, false);
    assert.equal(sent.label, 'wide.png (cropped)');
    assert.equal(sent.mimeType, 'image/png');
  });

  it('a crop larger than the budget is scaled down like any image of its size', async () => {
    const bytes = await createTestImage({ width: 1600, height: 400, format: 'png' });
    // The top-left quadrant, all red (the whole image scaled so would be yellow at its bottom right).
    const sent = await prepareImage({ bytes, label: 'wide.png', crop: { x: 0, y: 0, width: 800, height: 200 } }, { maxLongSide: 400 });
    assert.deepEqual([sent.width, sent.height, sent.originalWidth, sent.originalHeight, sent.downscaled], [400, 100, 800, 200, true]);
    await assertColourAt(sent.data, 390, 90, RED, 5);
  });

  it('is encoded once: a JPEG crop is byte for byte the single pass of orient, extract, scale and encode, not a re-encode of an encoded crop', async () => {
    const bytes = await createTestImage({ width: 640, height: 480, format: 'jpeg', pattern: 'noise' });
    const crop = { x: 100, y: 60, width: 400, height: 300 };
    const budget = { maxLongSide: 320 };
    const sent = await prepareImage({ bytes, label: 'photo.jpg', crop }, budget);
    assert.deepEqual([sent.width, sent.height, sent.mimeType], [320, 240, 'image/jpeg']);

    const singlePass = await sharp(bytes, { autoOrient: true })
      .extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height })
      .resize(320, 240, { fit: 'fill', kernel: 'lanczos3' })
      .jpeg({ quality: JPEG_QUALITY, chromaSubsampling: '4:4:4' })
      .toBuffer();
    assert.ok(sent.data.equals(singlePass), 'the bytes sent are those of one decode and one encode');

    // What the two-pass path made (the crop encoded as JPEG, then prepared again) is different bytes,
    // so the comparison above tells the two apart.
    const encodedCrop = await sharp(bytes, { autoOrient: true }).extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height }).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
    const twoPass = await prepareImage({ bytes: encodedCrop, label: 'photo.jpg (cropped)' }, budget);
    assert.deepEqual([twoPass.width, twoPass.height], [320, 240]);
    assert.ok(!twoPass.data.equals(singlePass), 'a re-encoded crop differs from the single pass');
  });

  it('reads a file path like any input, and names a missing one', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-crop-')), 'x.png');
    await writeTestImage(file, { width: 50, height: 40, format: 'png' });
    try {
      const sent = await prepareCrop({ path: file, crop: { x: 10, y: 0, width: 40, height: 40 } });
      assert.deepEqual([sent.width, sent.height, sent.label], [40, 40, 'x.png (cropped)']);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    await rejectsWithCode(prepareCrop({ path: '/nonexistent/glimpse/shot.png', crop: { x: 0, y: 0, width: 16, height: 16 } }), 'image-missing');
  });

  describe('refuses rectangles that do not fit, saying so', () => {
    let bytes: Buffer;
    before(async () => {
      bytes = await createTestImage({ width: 200, height: 100, format: 'png' });
    });
    for (const [what, crop, pattern] of [
      ['past the right edge', { x: 150, y: 0, width: 51, height: 50 }, /The crop 51×50 at \(150, 0\) is not inside shot\.png, which is 200×100 pixels/],
      ['past the bottom edge', { x: 0, y: 90, width: 50, height: 20 }, /not inside shot\.png/],
      ['at a negative position', { x: -1, y: 0, width: 50, height: 50 }, /not inside/],
      ['of fractional pixels', { x: 0.5, y: 0, width: 50, height: 50 }, /not inside/],
      ['of zero width', { x: 0, y: 0, width: 0, height: 50 }, /not inside/],
      [`narrower than ${MIN_CROP_SIDE} px`, { x: 0, y: 0, width: MIN_CROP_SIDE - 1, height: 50 }, /The crop of shot\.png is 15×50 pixels; a crop must be at least 16×16\. Draw a larger rectangle\./],
    ] as const) {
      it(what, async () => {
        await rejectsWithCode(prepareCrop({ bytes, label: 'shot.png', crop }), 'invalid-argument', pattern);
      });
    }

    it('an image smaller than the minimum may be cropped to its full side', async () => {
      const small = await createTestImage({ width: 40, height: 10, format: 'png' });
      const sent = await prepareCrop({ bytes: small, label: 'strip.png', crop: { x: 20, y: 0, width: 20, height: 10 } });
      assert.deepEqual([sent.width, sent.height], [20, 10]);
      await rejectsWithCode(prepareCrop({ bytes: small, label: 'strip.png', crop: { x: 0, y: 0, width: 20, height: 9 } }), 'invalid-argument', /at least 16×10/);
    });
  });

  it('refuses an image over the pixel limit before decoding it, whatever the crop', async () => {
    const bytes = await createTestImage({ width: 200, height: 100, format: 'png' });
    await rejectsWithCode(prepareImage({ bytes, label: 'big.png', crop: { x: 0, y: 0, width: 50, height: 50 } }, roomy, { maxInputPixels: 10_000 }), 'image-too-many-pixels', /big\.png/);
  });
});

describe('cropPreview', () => {
  it(`is a JPEG data: URI at most ${CROP_PREVIEW_MAX_SIDE} px long, with the image's own size for measuring rectangles`, async () => {
    const bytes = await createTestImage({ width: 3000, height: 1000, format: 'png' });
    const preview = await cropPreview({ bytes, label: 'wide.png' });
    assert.deepEqual([preview.width, preview.height], [3000, 1000]);
    assert.match(preview.dataUri, /^data:image\/jpeg;base64,/);
    const data = Buffer.from(preview.dataUri.slice(preview.dataUri.indexOf(',') + 1), 'base64');
    const metadata = await sharp(data).metadata();
    assert.deepEqual([metadata.format, metadata.width, metadata.height], ['jpeg', 1024, 341]);
    await assertColourAt(data, 100, 300, BLUE);
  });

  it('is oriented and never enlarged', async () => {
    const bytes = await createTestImage({ width: 80, height: 40, format: 'jpeg', pattern: 'halves', orientation: 6 });
    const preview = await cropPreview({ bytes, label: 'photo.jpg' });
    assert.deepEqual([preview.width, preview.height], [40, 80]);
    const data = Buffer.from(preview.dataUri.slice(preview.dataUri.indexOf(',') + 1), 'base64');
    const metadata = await sharp(data).metadata();
    assert.deepEqual([metadata.width, metadata.height], [40, 80]);
    await assertColourAt(data, 20, 10, RED);
  });
});

describe('isWholeImage', () => {
  it('is true only for the rectangle that covers the image exactly', () => {
    assert.equal(isWholeImage({ x: 0, y: 0, width: 200, height: 100 }, { width: 200, height: 100 }), true);
    assert.equal(isWholeImage({ x: 0, y: 0, width: 199, height: 100 }, { width: 200, height: 100 }), false);
    assert.equal(isWholeImage({ x: 1, y: 0, width: 199, height: 100 }, { width: 200, height: 100 }), false);
  });
});
