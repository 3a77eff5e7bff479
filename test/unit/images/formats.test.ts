// The supported-format list against what this build of sharp really decodes, extension and MIME
// mapping, naming of unsupported formats, and lossless WebP detection.

import assert from 'node:assert/strict';
import sharp from 'sharp';
import {
  SUPPORTED_FORMATS_SENTENCE,
  SUPPORTED_IMAGE_EXTENSIONS,
  SUPPORTED_IMAGE_FORMATS,
  formatForFileName,
  isLosslessWebp,
  mimeTypeForFileName,
  recogniseUnsupportedFormat,
  supportedFormatFromSharp,
} from '../../../src/core/images/formats';
import { chooseOutputMimeType } from '../../../src/core/images/encode';
import { createAnimatedImage, createBmp, createHeicSignature, createTestImage } from '../../fixtures/images';

describe('supported image formats', () => {
  it('lists as sharp-decoded exactly the formats whose loaders this sharp build has for buffers', () => {
    const loaderFor = (format: string) => (format === 'avif' ? 'heif' : format);
    for (const { format } of SUPPORTED_IMAGE_FORMATS.filter((f) => f.decoder === 'sharp')) {
      const loader = (sharp.format as unknown as Record<string, { input: { buffer: boolean } }>)[loaderFor(format)];
      assert.equal(loader?.input.buffer, true, `sharp has no buffer loader for ${format}`);
    }
    assert.equal(sharp.format.jxl.input.buffer, false);
  });

  it('decodes BMP itself, because this sharp build has no BMP loader', async () => {
    assert.deepEqual(
      SUPPORTED_IMAGE_FORMATS.filter((f) => f.decoder === 'glimpse').map((f) => f.format),
      ['bmp'],
    );
    // A BMP loader would come through ImageMagick, which the prebuilt libvips lacks.
    assert.equal(sharp.format.magick.input.buffer, false);
    await assert.rejects(sharp(createBmp({ width: 8, height: 8 })).metadata(), /unsupported image format/);
  });

  it('offers the extensions of every supported format, BMP included, and none of HEIC or ICO', () => {
    for (const extension of ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp', 'tif', 'tiff', 'avif', 'svg']) {
      assert.ok(SUPPORTED_IMAGE_EXTENSIONS.includes(extension), extension);
    }
    for (const extension of ['heic', 'ico']) assert.ok(!SUPPORTED_IMAGE_EXTENSIONS.includes(extension), extension);
  });

  it('names them in one sentence for error messages', () => {
    assert.equal(SUPPORTED_FORMATS_SENTENCE, 'PNG, JPEG, WebP, GIF, BMP, TIFF, AVIF and SVG');
  });

  it('maps file names to formats and MIME types, ignoring case', () => {
    assert.equal(formatForFileName('Screen Shot.PNG')?.format, 'png');
    assert.equal(formatForFileName('.jpeg')?.format, 'jpeg');
    assert.equal(formatForFileName('tif')?.format, 'tiff');
    assert.equal(mimeTypeForFileName('photo.jpg'), 'image/jpeg');
    assert.equal(mimeTypeForFileName('drawing.svg'), 'image/svg+xml');
    assert.equal(mimeTypeForFileName('Screenshot.BMP'), 'image/bmp');
    assert.equal(mimeTypeForFileName('icon.ico'), undefined);
    assert.equal(mimeTypeForFileName('README'), undefined);
  });

  it('tells AVIF from HEIC inside sharp\'s "heif" format', () => {
    assert.equal(supportedFormatFromSharp('heif', 'av1'), 'avif');
    assert.equal(supportedFormatFromSharp('heif', 'hevc'), undefined);
    assert.equal(supportedFormatFromSharp('jpeg'), 'jpeg');
    assert.equal(supportedFormatFromSharp('raw'), undefined);
    assert.equal(supportedFormatFromSharp('bmp'), undefined, 'sharp never decodes BMP here');
  });
});

describe('recogniseUnsupportedFormat', () => {
  it('names HEIC, PDF and PSD by their signatures', () => {
    assert.equal(recogniseUnsupportedFormat(createHeicSignature()), 'HEIC');
    assert.equal(recogniseUnsupportedFormat(Buffer.from('%PDF-1.7\n')), 'PDF');
    assert.equal(recogniseUnsupportedFormat(Buffer.from('8BPS\x00\x01')), 'PSD');
  });

  it('does not claim supported formats', async () => {
    assert.equal(recogniseUnsupportedFormat(createBmp({ width: 4, height: 4 })), undefined);
    assert.equal(recogniseUnsupportedFormat(await createTestImage({ width: 8, height: 8, format: 'png' })), undefined);
    assert.equal(recogniseUnsupportedFormat(await createTestImage({ width: 8, height: 8, format: 'avif' })), undefined);
  });
});

describe('isLosslessWebp', () => {
  it('is true for lossless WebP and false for lossy WebP, with or without alpha', async () => {
    assert.equal(isLosslessWebp(await createTestImage({ width: 16, height: 16, format: 'webp-lossless' })), true);
    assert.equal(isLosslessWebp(await createTestImage({ width: 16, height: 16, format: 'webp' })), false);
    assert.equal(isLosslessWebp(await createTestImage({ width: 16, height: 16, format: 'webp-lossless', alpha: true })), true);
    assert.equal(isLosslessWebp(await createTestImage({ width: 16, height: 16, format: 'webp', alpha: true })), false);
  });

  it('judges an animated WebP by its first frame', async () => {
    assert.equal(isLosslessWebp(await createAnimatedImage('webp', 8, 8, [[255, 0, 0], [0, 0, 255]])), true);
  });

  it('is false for data that is not WebP', async () => {
    assert.equal(isLosslessWebp(await createTestImage({ width: 8, height: 8, format: 'png' })), false);
    assert.equal(isLosslessWebp(Buffer.from('RIFF')), false);
  });
});

describe('chooseOutputMimeType', () => {
  it('sends lossless sources as PNG while they are at most 4 megapixels', () => {
    assert.equal(chooseOutputMimeType({ lossless: true }, { width: 1344, height: 756 }), 'image/png');
    assert.equal(chooseOutputMimeType({ lossless: true }, { width: 2000, height: 2000 }), 'image/png');
    assert.equal(chooseOutputMimeType({ lossless: true }, { width: 2001, height: 2000 }), 'image/jpeg');
  });

  it('sends lossy sources as JPEG whatever their size', () => {
    assert.equal(chooseOutputMimeType({ lossless: false }, { width: 10, height: 10 }), 'image/jpeg');
  });
});
