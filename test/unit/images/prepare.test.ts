// prepareImage on images it accepts: each format decodes to the right size and colours, EXIF
// orientation, first frames of animations, SVG rasterising, transparency, budgets, output format,
// and the data URI and hash of what is sent.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import sharp from 'sharp';
import { PreparedImage, prepareImage, toDataUri } from '../../../src/core/images/prepare';
import {
  BLUE,
  GREEN,
  RED,
  Rgb,
  TestImageFormat,
  WHITE,
  YELLOW,
  createAnimatedImage,
  createTestImage,
  generatedImagesDir,
  isNearColour,
  pixelAt,
  writeTestImage,
} from '../../fixtures/images';

const roomyBudget = { maxLongSide: 2000 };

async function assertColourAt(image: PreparedImage, x: number, y: number, expected: Rgb, tolerance = 40): Promise<void> {
  const actual = await pixelAt(image.data, x, y);
  assert.ok(isNearColour(actual, expected, tolerance), `pixel (${x}, ${y}) is ${actual.join(',')}, expected about ${expected.join(',')}`);
}

/** The centres of the four quadrants of the test pattern. */
async function assertQuadrants(image: PreparedImage, tolerance = 40): Promise<void> {
  const { width, height } = image;
  await assertColourAt(image, Math.floor(width / 4), Math.floor(height / 4), RED, tolerance);
  await assertColourAt(image, Math.floor((3 * width) / 4), Math.floor(height / 4), GREEN, tolerance);
  await assertColourAt(image, Math.floor(width / 4), Math.floor((3 * height) / 4), BLUE, tolerance);
  await assertColourAt(image, Math.floor((3 * width) / 4), Math.floor((3 * height) / 4), YELLOW, tolerance);
}

describe('prepareImage: formats', () => {
  const cases: ReadonlyArray<{ format: TestImageFormat; sourceFormat: string; mimeType: string }> = [
    { format: 'png', sourceFormat: 'png', mimeType: 'image/png' },
    { format: 'jpeg', sourceFormat: 'jpeg', mimeType: 'image/jpeg' },
    { format: 'webp', sourceFormat: 'webp', mimeType: 'image/jpeg' },
    { format: 'webp-lossless', sourceFormat: 'webp', mimeType: 'image/png' },
    { format: 'gif', sourceFormat: 'gif', mimeType: 'image/png' },
    { format: 'tiff', sourceFormat: 'tiff', mimeType: 'image/png' },
    { format: 'avif', sourceFormat: 'avif', mimeType: 'image/jpeg' },
  ];
  for (const { format, sourceFormat, mimeType } of cases) {
    it(`decodes ${format} at its own size with its colours, sent as ${mimeType}`, async () => {
      const bytes = await createTestImage({ width: 64, height: 48, format });
      const image = await prepareImage({ bytes, label: `test.${format}` }, roomyBudget);
      assert.equal(image.sourceFormat, sourceFormat);
      assert.equal(image.mimeType, mimeType);
      assert.deepEqual([image.width, image.height, image.originalWidth, image.originalHeight], [64, 48, 64, 48]);
      assert.equal(image.downscaled, false);
      assert.equal((await sharp(image.data).metadata()).format, mimeType === 'image/png' ? 'png' : 'jpeg');
      await assertQuadrants(image);
    });
  }

  it('keeps the exact colours of a PNG source (lossless all the way)', async () => {
    const bytes = await createTestImage({ width: 64, height: 48, format: 'png' });
    const image = await prepareImage({ bytes, label: 'exact.png' }, roomyBudget);
    assert.deepEqual(await pixelAt(image.data, 10, 10), RED);
    assert.deepEqual(await pixelAt(image.data, 50, 40), YELLOW);
  });

  it('reads a file from disk and labels it with its file name', async () => {
    const filePath = await writeTestImage(path.join(generatedImagesDir, 'prepare', 'from-disk.png'), { width: 30, height: 20, format: 'png' });
    const image = await prepareImage({ path: filePath }, roomyBudget);
    assert.equal(image.label, 'from-disk.png');
    assert.deepEqual([image.width, image.height], [30, 20]);
  });
});

describe('prepareImage: orientation, frames, vectors, transparency', () => {
  it('applies EXIF orientation 6: a 40×20 red|blue JPEG becomes 20×40 with red on top', async () => {
    const bytes = await createTestImage({ width: 40, height: 20, format: 'jpeg', pattern: 'halves', orientation: 6 });
    assert.equal((await sharp(bytes).metadata()).orientation, 6, 'fixture carries the tag');
    const image = await prepareImage({ bytes, label: 'rotated.jpg' }, roomyBudget);
    assert.deepEqual([image.width, image.height, image.originalWidth, image.originalHeight], [20, 40, 20, 40]);
    await assertColourAt(image, 10, 5, RED);
    await assertColourAt(image, 10, 34, BLUE);
    // The tag is not passed on, so nothing downstream rotates the image a second time.
    assert.equal((await sharp(image.data).metadata()).orientation, undefined);
  });

  it('orients before fitting the budget: 400×200 with orientation 6 and long side 100 gives 50×100', async () => {
    const bytes = await createTestImage({ width: 400, height: 200, format: 'jpeg', pattern: 'halves', orientation: 6 });
    const image = await prepareImage({ bytes, label: 'rotated.jpg' }, { maxLongSide: 100 });
    assert.deepEqual([image.width, image.height, image.originalWidth, image.originalHeight], [50, 100, 200, 400]);
    await assertColourAt(image, 25, 10, RED);
    await assertColourAt(image, 25, 90, BLUE);
  });

  for (const format of ['gif', 'webp'] as const) {
    it(`sends the first frame of an animated ${format}`, async () => {
      const bytes = await createAnimatedImage(format, 30, 20, [RED, BLUE, GREEN]);
      assert.equal((await sharp(bytes).metadata()).pages, 3, 'fixture is animated');
      const image = await prepareImage({ bytes, label: `animated.${format}` }, roomyBudget);
      assert.deepEqual([image.width, image.height], [30, 20]);
      assert.deepEqual(await pixelAt(image.data, 15, 10), RED);
    });
  }

  it('rasterises a 64×48 SVG four times larger (256×192), reporting its declared size as the original', async () => {
    const bytes = await createTestImage({ width: 64, height: 48, format: 'svg' });
    const image = await prepareImage({ bytes, label: 'drawing.svg' }, { maxLongSide: 1344 });
    assert.equal(image.sourceFormat, 'svg');
    assert.equal(image.mimeType, 'image/png');
    assert.deepEqual([image.width, image.height, image.originalWidth, image.originalHeight], [256, 192, 64, 48]);
    assert.equal(image.downscaled, false);
    await assertQuadrants(image, 0);
  });

  it('draws a large SVG straight at the budget size', async () => {
    const bytes = await createTestImage({ width: 4000, height: 2000, format: 'svg' });
    const image = await prepareImage({ bytes, label: 'poster.svg' }, { maxLongSide: 1000 });
    assert.deepEqual([image.width, image.height], [1000, 500]);
    assert.equal(image.downscaled, true);
    await assertQuadrants(image, 0);
  });

  for (const format of ['png', 'webp', 'svg'] as const) {
    it(`flattens transparency in ${format} onto white`, async () => {
      const bytes = await createTestImage({ width: 40, height: 40, format, alpha: true });
      const image = await prepareImage({ bytes, label: `transparent.${format}` }, { maxLongSide: 40 });
      const metadata = await sharp(image.data).metadata();
      assert.equal(metadata.hasAlpha, false);
      await assertColourAt(image, 30, 30, WHITE, 8);
      await assertColourAt(image, 10, 10, RED);
    });
  }
});

describe('prepareImage: budget', () => {
  it('downscales 3000×1000 to 1000×333 for a 1000 long side, the size sharp\'s fit "inside" gives too', async () => {
    const bytes = await createTestImage({ width: 3000, height: 1000, format: 'png' });
    const image = await prepareImage({ bytes, label: 'wide.png' }, { maxLongSide: 1000 });
    assert.deepEqual([image.width, image.height, image.originalWidth, image.originalHeight], [1000, 333, 3000, 1000]);
    assert.equal(image.downscaled, true);
    const sharpInside = await sharp(bytes).resize(1000, 1000, { fit: 'inside' }).toBuffer({ resolveWithObject: true });
    assert.deepEqual([sharpInside.info.width, sharpInside.info.height], [1000, 333]);
    await assertQuadrants(image, 0);
  });

  it('does not enlarge a small image', async () => {
    const bytes = await createTestImage({ width: 200, height: 100, format: 'jpeg' });
    const image = await prepareImage({ bytes, label: 'small.jpg' }, { maxLongSide: 1344, maxPixels: 1_000_000 });
    assert.deepEqual([image.width, image.height], [200, 100]);
    assert.equal(image.downscaled, false);
  });

  it('honours maxPixels: 2000×1000 at 500 000 pixels becomes 1000×500', async () => {
    const bytes = await createTestImage({ width: 2000, height: 1000, format: 'jpeg' });
    const image = await prepareImage({ bytes, label: 'big.jpg' }, { maxLongSide: 4000, maxPixels: 500_000 });
    assert.deepEqual([image.width, image.height], [1000, 500]);
    assert.equal(image.downscaled, true);
  });

  it('keeps a screenshot PNG as PNG when downscaling it', async () => {
    const bytes = await createTestImage({ width: 1920, height: 1080, format: 'png', pattern: 'screenshot' });
    const image = await prepareImage({ bytes, label: 'screen.png' }, { maxLongSide: 1344 });
    assert.deepEqual([image.mimeType, image.width, image.height], ['image/png', 1344, 756]);
  });

  it('sends a lossless source over 4 megapixels as JPEG', async () => {
    const bytes = await createTestImage({ width: 2400, height: 2000, format: 'png' });
    const image = await prepareImage({ bytes, label: 'huge.png' }, { maxLongSide: 4096 });
    assert.deepEqual([image.mimeType, image.width, image.height, image.downscaled], ['image/jpeg', 2400, 2000, false]);
  });
});

describe('toDataUri and sha256', () => {
  it('wraps the exact bytes as base64 behind the right MIME prefix', async () => {
    for (const format of ['png', 'jpeg'] as const) {
      const image = await prepareImage({ bytes: await createTestImage({ width: 16, height: 16, format }), label: 'pasted image' }, roomyBudget);
      const uri = toDataUri(image);
      const prefix = `data:image/${format};base64,`;
      assert.ok(uri.startsWith(prefix), uri.slice(0, 40));
      assert.ok(Buffer.from(uri.slice(prefix.length), 'base64').equals(image.data));
    }
  });

  it('hashes the bytes sent, so identical inputs give identical hashes and different ones do not', async () => {
    const bytes = await createTestImage({ width: 32, height: 32, format: 'png' });
    const first = await prepareImage({ bytes, label: 'a.png' }, roomyBudget);
    const second = await prepareImage({ bytes, label: 'b.png' }, roomyBudget);
    const smaller = await prepareImage({ bytes, label: 'a.png' }, { maxLongSide: 16 });
    assert.equal(first.sha256, createHash('sha256').update(first.data).digest('hex'));
    assert.match(first.sha256, /^[0-9a-f]{64}$/);
    assert.equal(second.sha256, first.sha256);
    assert.notEqual(smaller.sha256, first.sha256);
  });
});
