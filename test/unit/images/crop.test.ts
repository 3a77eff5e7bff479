// cropImage and cropPreview: the crop is cut from the full-resolution image after EXIF
// orientation, keeps the source's lossless/lossy kind, refuses rectangles that do not fit, and
// reaches the model sharper than the whole image (prepareImage on the crop); the preview is a
// small oriented JPEG of the whole image.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { CROP_PREVIEW_MAX_SIDE, MIN_CROP_SIDE, cropImage, cropPreview, isWholeImage } from '../../../src/core/images/crop';
import { prepareImage } from '../../../src/core/images/prepare';
import { BLUE, GREEN, RED, Rgb, WHITE, YELLOW, createBmp, createTestImage, isNearColour, pixelAt, writeTestImage } from '../../fixtures/images';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';

async function assertColourAt(encoded: Buffer, x: number, y: number, expected: Rgb, tolerance = 40): Promise<void> {
  const actual = await pixelAt(encoded, x, y);
  assert.ok(isNearColour(actual, expected, tolerance), `pixel (${x}, ${y}) is ${actual.join(',')}, expected about ${expected.join(',')}`);
}

describe('cropImage', () => {
  it('cuts the rectangle at full resolution: the top-right quadrant of a 200×100 PNG is 100×50 of green, as PNG', async () => {
    const bytes = await createTestImage({ width: 200, height: 100, format: 'png' });
    const crop = await cropImage({ bytes, label: 'quadrants.png' }, { x: 100, y: 0, width: 100, height: 50 });
    assert.deepEqual([crop.width, crop.height, crop.sourceWidth, crop.sourceHeight], [100, 50, 200, 100]);
    assert.equal(crop.label, 'quadrants.png (cropped)');
    const metadata = await sharp(crop.bytes).metadata();
    assert.deepEqual([metadata.format, metadata.width, metadata.height], ['png', 100, 50]);
    for (const [x, y] of [[0, 0], [99, 0], [0, 49], [99, 49], [50, 25]]) await assertColourAt(crop.bytes, x, y, GREEN, 5);
  });

  it('a rectangle across the middle keeps each quadrant where it was', async () => {
    const bytes = await createTestImage({ width: 200, height: 100, format: 'png' });
    const crop = await cropImage({ bytes, label: 'q.png' }, { x: 60, y: 30, width: 80, height: 40 });
    await assertColourAt(crop.bytes, 10, 5, RED, 5);
    await assertColourAt(crop.bytes, 70, 5, GREEN, 5);
    await assertColourAt(crop.bytes, 10, 35, BLUE, 5);
    await assertColourAt(crop.bytes, 70, 35, YELLOW, 5);
  });

  it('measures the rectangle on the oriented image (EXIF orientation 6: a quarter turn clockwise)', async () => {
    // Stored 80×40 as quadrants red|green over blue|yellow; shown 40×80 as blue|red over yellow|green.
    const bytes = await createTestImage({ width: 80, height: 40, format: 'jpeg', orientation: 6 });
    const topLeft = await cropImage({ bytes, label: 'photo.jpg' }, { x: 0, y: 0, width: 20, height: 40 });
    assert.deepEqual([topLeft.sourceWidth, topLeft.sourceHeight, topLeft.width, topLeft.height], [40, 80, 20, 40]);
    await assertColourAt(topLeft.bytes, 10, 20, BLUE);
    const bottomRight = await cropImage({ bytes, label: 'photo.jpg' }, { x: 20, y: 40, width: 20, height: 40 });
    await assertColourAt(bottomRight.bytes, 10, 20, GREEN);
    assert.equal((await sharp(bottomRight.bytes).metadata()).orientation, undefined, 'the crop carries no orientation tag to apply twice');
  });

  it('a lossy source is cropped to JPEG (so it is sent as JPEG), transparency flattened on white', async () => {
    const jpeg = await cropImage({ bytes: await createTestImage({ width: 64, height: 64, format: 'jpeg' }), label: 'a.jpg' }, { x: 0, y: 0, width: 32, height: 32 });
    assert.equal((await sharp(jpeg.bytes).metadata()).format, 'jpeg');
    await assertColourAt(jpeg.bytes, 16, 16, RED);

    const webp = await createTestImage({ width: 64, height: 64, format: 'webp', alpha: true });
    const flattened = await cropImage({ bytes: webp, label: 'a.webp' }, { x: 32, y: 32, width: 32, height: 32 });
    assert.equal((await sharp(flattened.bytes).metadata()).format, 'jpeg');
    await assertColourAt(flattened.bytes, 16, 16, WHITE);
  });

  it('crops a BMP (decoded by Glimpse itself, not sharp)', async () => {
    const crop = await cropImage({ bytes: createBmp({ width: 40, height: 40 }), label: 'old.bmp' }, { x: 20, y: 20, width: 20, height: 20 });
    assert.equal((await sharp(crop.bytes).metadata()).format, 'png');
    await assertColourAt(crop.bytes, 10, 10, YELLOW, 5);
  });

  it('the crop reaches the model sharper: 1600×400 is sent as 448×112, a 400×300 crop of it as 400×300', async () => {
    const bytes = await createTestImage({ width: 1600, height: 400, format: 'png', pattern: 'screenshot' });
    const budget = { maxLongSide: 448 };
    const whole = await prepareImage({ bytes, label: 'wide.png' }, budget);
    assert.deepEqual([whole.width, whole.height], [448, 112]);
    const crop = await cropImage({ bytes, label: 'wide.png' }, { x: 100, y: 50, width: 400, height: 300 });
    const sent = await prepareImage(crop, budget);
    assert.deepEqual([sent.width, sent.height, sent.originalWidth, sent.originalHeight], [400, 300, 400, 300]);
    assert.equal(sent.downscaled, false);
    assert.equal(sent.label, 'wide.png (cropped)');
    assert.equal(sent.mimeType, 'image/png');
  });

  it('reads a file path like prepareImage does, and names a missing one', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-crop-')), 'x.png');
    await writeTestImage(file, { width: 50, height: 40, format: 'png' });
    try {
      const crop = await cropImage({ path: file }, { x: 10, y: 0, width: 40, height: 40 });
      assert.deepEqual([crop.width, crop.height, crop.label], [40, 40, 'x.png (cropped)']);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    await rejectsWithCode(cropImage({ path: '/nonexistent/glimpse/shot.png' }, { x: 0, y: 0, width: 16, height: 16 }), 'image-missing');
  });

  describe('refuses rectangles that do not fit, saying so', () => {
    let bytes: Buffer;
    before(async () => {
      bytes = await createTestImage({ width: 200, height: 100, format: 'png' });
    });
    for (const [what, rect, pattern] of [
      ['past the right edge', { x: 150, y: 0, width: 51, height: 50 }, /The crop 51×50 at \(150, 0\) is not inside shot\.png, which is 200×100 pixels/],
      ['past the bottom edge', { x: 0, y: 90, width: 50, height: 20 }, /not inside shot\.png/],
      ['at a negative position', { x: -1, y: 0, width: 50, height: 50 }, /not inside/],
      ['of fractional pixels', { x: 0.5, y: 0, width: 50, height: 50 }, /not inside/],
      ['of zero width', { x: 0, y: 0, width: 0, height: 50 }, /not inside/],
      [`narrower than ${MIN_CROP_SIDE} px`, { x: 0, y: 0, width: MIN_CROP_SIDE - 1, height: 50 }, /is 15×50 pixels; a crop must be at least 16×16\. Draw a larger rectangle\./],
    ] as const) {
      it(what, async () => {
        await rejectsWithCode(cropImage({ bytes, label: 'shot.png' }, rect), 'invalid-argument', pattern);
      });
    }

    it('an image smaller than the minimum may be cropped to its full side', async () => {
      const small = await createTestImage({ width: 40, height: 10, format: 'png' });
      const crop = await cropImage({ bytes: small, label: 'strip.png' }, { x: 20, y: 0, width: 20, height: 10 });
      assert.deepEqual([crop.width, crop.height], [20, 10]);
      await rejectsWithCode(cropImage({ bytes: small, label: 'strip.png' }, { x: 0, y: 0, width: 20, height: 9 }), 'invalid-argument', /at least 16×10/);
    });
  });

  it('refuses an image over the pixel limit before decoding it', async () => {
    const bytes = await createTestImage({ width: 200, height: 100, format: 'png' });
    await rejectsWithCode(cropImage({ bytes, label: 'big.png' }, { x: 0, y: 0, width: 50, height: 50 }, { maxInputPixels: 10_000 }), 'image-too-many-pixels');
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
