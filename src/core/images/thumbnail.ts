// Small previews of prepared images for the chat panel, as data: URIs (the panel's CSP allows
// images from data: only, so nothing it shows can come from the network). What it decodes is
// Glimpse's own encoding (PreparedImage.data), so it needs none of decode.ts's damage checks.

import type { PreparedImage } from './prepare';
import { loadSharp } from './sharpLibrary';

export const thumbnailMaxSide = 320;

export async function thumbnailDataUri(image: PreparedImage, maxSide = thumbnailMaxSide): Promise<string> {
  const sharp = await loadSharp();
  const pipeline = sharp(image.data).resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
  const data = image.mimeType === 'image/png'
    ? await pipeline.png({ compressionLevel: 6 }).toBuffer()
    : await pipeline.jpeg({ quality: 80 }).toBuffer();
  return `data:${image.mimeType};base64,${data.toString('base64')}`;
}
