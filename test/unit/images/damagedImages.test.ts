// Image data that cannot fill the image its header declares is refused, in Glimpse's words, instead
// of being sent as grey (decodeStrictness.ts); the quirks real files carry are still accepted; and
// decompression bombs are refused from their header, at once. Each fixture is a real encoding,
// edited in one known way; where the point is which sharp `failOn` level catches it, the test
// first shows what sharp does with it, so it fails if the fixture stops being what it claims.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { cropPreview } from '../../../src/core/images/crop';
import { isHarmlessWarning, saysDataEndsEarly, stopsBeforeItsDeclaredEnd } from '../../../src/core/images/decodeStrictness';
import { prepareImage } from '../../../src/core/images/prepare';
import { rejectsWith } from '../../fixtures/glimpseErrors';
import {
  BLUE,
  GREEN,
  RED,
  YELLOW,
  createAnimatedImage,
  createPngBombHeader,
  createTestImage,
  generatedImagesDir,
  isNearColour,
  pixelAt,
  withAdobeTransform,
  withBadPngCrc,
  withBytesBeforeJpegMarker,
  withDeclaredJpegSize,
  withPngChunks,
} from '../../fixtures/images';

const budget = { maxLongSide: 1344 };
const dir = path.join(generatedImagesDir, 'damaged');

/** Whether sharp decodes `bytes` (to a small PNG) at this failOn level. */
async function sharpDecodes(bytes: Buffer, failOn: 'error' | 'warning'): Promise<boolean> {
  return sharp(bytes, { failOn }).resize(32, 32, { fit: 'fill' }).png().toBuffer().then(() => true, () => false);
}

async function writeFixture(name: string, bytes: Buffer): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const filePath = path.join(dir, name);
  await fs.writeFile(filePath, bytes);
  return filePath;
}

/** The four quadrants of the test pattern, checked in what was sent. */
async function assertQuadrants(sent: Buffer, width: number, height: number): Promise<void> {
  const corners = [[0, 0, RED], [width - 1, 0, GREEN], [0, height - 1, BLUE], [width - 1, height - 1, YELLOW]] as const;
  for (const [x, y, colour] of corners) {
    const actual = await pixelAt(sent, x, y);
    assert.ok(isNearColour(actual, colour), `(${x}, ${y}) is ${actual.join(',')}, expected about ${colour.join(',')}`);
  }
}

describe('prepareImage refuses damaged image data', function () {
  this.timeout(5000);

  it('a JPEG whose header declares 9000×9000 over the data of a 16×16 image, naming the declared size', async () => {
    const small = await createTestImage({ width: 16, height: 16, format: 'jpeg' });
    const doctored = withDeclaredJpegSize(small, 9000, 9000);
    const header = await sharp(doctored).metadata();
    assert.deepEqual([header.width, header.height], [9000, 9000], 'the fixture declares 9000×9000');
    assert.ok(await sharpDecodes(doctored, 'error'), "the fixture is one sharp's failOn 'error' lets through (filled with grey)");

    const filePath = await writeFixture('photo.jpg', doctored);
    await assert.rejects(
      prepareImage({ path: filePath }, budget),
      rejectsWith('image-corrupt', 'photo.jpg is damaged: its data ends before the 9000×9000 image it declares is complete. Save or export it again.'),
    );
  });

  it('the same JPEG in the crop preview, with the same words', async () => {
    const doctored = withDeclaredJpegSize(await createTestImage({ width: 16, height: 16, format: 'jpeg' }), 9000, 9000);
    await assert.rejects(
      cropPreview({ bytes: doctored, label: 'photo.jpg' }),
      rejectsWith('image-corrupt', 'photo.jpg is damaged: its data ends before the 9000×9000 image it declares is complete.'),
    );
  });

  it('a truncated GIF (cut inside its frame data, which the header read walks)', async () => {
    const gif = await createTestImage({ width: 64, height: 64, format: 'gif', pattern: 'noise' });
    await assert.rejects(
      prepareImage({ bytes: gif.subarray(0, Math.floor(gif.length / 2)), label: 'cut.gif' }, budget),
      rejectsWith('image-corrupt', 'cut.gif is damaged: its data ends before the image it declares is complete. Save or export it again.'),
    );
  });

  it('a truncated WebP, lossy and lossless, from its RIFF size', async () => {
    for (const format of ['webp', 'webp-lossless'] as const) {
      const webp = await createTestImage({ width: 128, height: 128, format, pattern: 'noise' });
      await assert.rejects(
        prepareImage({ bytes: webp.subarray(0, Math.floor(webp.length * 0.6)), label: 'cut.webp' }, budget),
        rejectsWith('image-corrupt', 'cut.webp is damaged: its data ends before the image it declares is complete.'),
        format,
      );
    }
  });

  it('a truncated TIFF as a damaged TIFF, not an unknown format', async () => {
    const tiff = await createTestImage({ width: 64, height: 64, format: 'tiff', pattern: 'noise' });
    await assert.rejects(
      prepareImage({ bytes: tiff.subarray(0, Math.floor(tiff.length * 0.6)), label: 'cut.tiff' }, budget),
      rejectsWith('image-corrupt', 'cut.tiff looks like a TIFF image but could not be decoded: the file is damaged or incomplete (no decoder accepts its header).'),
    );
  });

  it('a PNG whose pixel data fails its CRC', async () => {
    const png = withBadPngCrc(await createTestImage({ width: 64, height: 64, format: 'png', pattern: 'noise' }), 'IDAT');
    await assert.rejects(
      prepareImage({ bytes: png, label: 'bad-crc.png' }, budget),
      rejectsWith('image-corrupt', 'bad-crc.png is damaged: its PNG pixel data does not decode (libspng read error). Save or export it again.'),
    );
  });
});

describe('prepareImage accepts the quirks of real files', function () {
  this.timeout(5000);

  it('a JPEG with bytes after its end marker (EOI)', async () => {
    const jpeg = await createTestImage({ width: 64, height: 48, format: 'jpeg' });
    const sent = await prepareImage({ bytes: Buffer.concat([jpeg, Buffer.from('trailing bytes '.repeat(40))]), label: 'trailing.jpg' }, budget);
    await assertQuadrants(sent.data, 64, 48);
  });

  it('a PNG with metadata chunks (tEXt, pHYs, Apple iDOT, a private chunk, one with a bad CRC) and bytes after IEND', async () => {
    const png = await createTestImage({ width: 64, height: 48, format: 'png' });
    const decorated = withPngChunks(png, [
      { type: 'tEXt', data: Buffer.from('Software\0Screenshot', 'latin1') },
      { type: 'pHYs', data: Buffer.from([0, 0, 0x16, 0x25, 0, 0, 0x16, 0x25, 1]) },
      { type: 'iDOT', data: Buffer.alloc(28) },
      { type: 'prVt', data: Buffer.from('private') },
      { type: 'tEXt', data: Buffer.from('Comment\0damaged', 'latin1'), badCrc: true },
    ]);
    const sent = await prepareImage({ bytes: Buffer.concat([decorated, Buffer.alloc(512)]), label: 'screenshot.png' }, budget);
    await assertQuadrants(sent.data, 64, 48);
  });

  it('a JPEG with stray bytes between segments (decoded again, tolerating that warning only)', async () => {
    const jpeg = withBytesBeforeJpegMarker(await createTestImage({ width: 64, height: 48, format: 'jpeg' }), 0xdb, Buffer.from([1, 2, 3]));
    assert.equal(await sharpDecodes(jpeg, 'warning'), false, "the fixture is one failOn 'warning' refuses");
    const sent = await prepareImage({ bytes: jpeg, label: 'camera.jpg' }, budget);
    await assertQuadrants(sent.data, 64, 48);
  });

  it('a JPEG with an unknown Adobe colour transform code', async () => {
    const jpeg = withAdobeTransform(await createTestImage({ width: 64, height: 48, format: 'jpeg' }), 9);
    assert.equal(await sharpDecodes(jpeg, 'warning'), false, "the fixture is one failOn 'warning' refuses");
    assert.equal((await prepareImage({ bytes: jpeg, label: 'adobe.jpg' }, budget)).width, 64);
  });

  it('an animated GIF, sending its first frame', async () => {
    const gif = await createAnimatedImage('gif', 32, 32, [RED, BLUE]);
    const sent = await prepareImage({ bytes: gif, label: 'animation.gif' }, budget);
    assert.ok(isNearColour(await pixelAt(sent.data, 16, 16), RED));
  });
});

describe('prepareImage refuses decompression bombs from the header', function () {
  this.timeout(5000);

  it('a PNG declaring 100000×100000 (30 GB of pixels), within a second and without allocating them', async () => {
    const bomb = createPngBombHeader(100_000, 100_000);
    const filePath = await writeFixture('bomb.png', bomb);
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    await assert.rejects(
      prepareImage({ path: filePath }, budget),
      rejectsWith(
        'image-too-many-pixels',
        'bomb.png is 100000×100000 pixels (10000 megapixels), over the 100 megapixel limit that protects memory while decoding. ' +
          'Downscale or crop it in an image editor first.',
      ),
    );
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    const grownMegabytes = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    assert.ok(grownMegabytes < 100, `memory grew by ${grownMegabytes.toFixed(0)} MB`);
  });

  it('a JPEG declaring 65000×65000 over 16×16 of data: too many pixels, before any decoding', async () => {
    const bomb = withDeclaredJpegSize(await createTestImage({ width: 16, height: 16, format: 'jpeg' }), 65_000, 65_000);
    const started = Date.now();
    await assert.rejects(prepareImage({ bytes: bomb, label: 'huge.jpg' }, budget), rejectsWith('image-too-many-pixels', 'huge.jpg is 65000×65000 pixels'));
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });
});

describe('decodeStrictness: reading what the decoder said', () => {
  it('tolerates a failure only when every line of it is a harmless warning', () => {
    const stray = 'VipsJpeg: Corrupt JPEG data: 3 extraneous bytes before marker 0xdb';
    assert.equal(isHarmlessWarning(`${stray}\n${stray}\n`), true);
    assert.equal(isHarmlessWarning('VipsJpeg: Unknown Adobe color transform code 9'), true);
    assert.equal(isHarmlessWarning(`${stray}\nVipsJpeg: Corrupt JPEG data: premature end of data segment`), false);
    assert.equal(isHarmlessWarning(''), false);
  });

  it('recognises the decoders’ ways of saying the data ended early, and not other damage', () => {
    for (const message of [
      'VipsJpeg: Corrupt JPEG data: premature end of data segment',
      'VipsJpeg: premature end of JPEG image',
      'Input buffer has corrupt header: gifload_buffer: Unexpected end of GIF source data',
      'pngload_buffer: end of stream',
    ]) {
      assert.equal(saysDataEndsEarly(message), true, message);
    }
    assert.equal(saysDataEndsEarly('pngload_buffer: libspng read error'), false);
  });

  it('tells a PNG or WebP cut short from a whole one and from garbage after a PNG signature', async () => {
    const png = await createTestImage({ width: 64, height: 64, format: 'png', pattern: 'noise' });
    const webp = await createTestImage({ width: 64, height: 64, format: 'webp', pattern: 'noise' });
    assert.equal(stopsBeforeItsDeclaredEnd(png), false);
    assert.equal(stopsBeforeItsDeclaredEnd(png.subarray(0, png.length - 20)), true);
    assert.equal(stopsBeforeItsDeclaredEnd(webp), false);
    assert.equal(stopsBeforeItsDeclaredEnd(webp.subarray(0, webp.length - 1)), true);
    assert.equal(stopsBeforeItsDeclaredEnd(Buffer.concat([png.subarray(0, 8), Buffer.from('this is not a png at all')])), false);
  });
});
