// Image preparation of a 4K screenshot (3840×2160) as PNG and as JPEG: decode, orient, downscale
// to a model's budget and re-encode, through the core's prepareImage. Medians of several runs.

import fs from 'node:fs';
import path from 'node:path';
import { prepareImage } from '../src/core/images/prepare';
import { writeTestImage } from '../test/fixtures/images';

export interface PreparationFigure {
  readonly source: string;
  readonly sentAs: string;
  readonly medianMs: number;
  readonly minMs: number;
}

export async function benchImagePreparation(directory: string, runs = 7): Promise<PreparationFigure[]> {
  fs.mkdirSync(directory, { recursive: true });
  const figures: PreparationFigure[] = [];
  for (const format of ['png', 'jpeg'] as const) {
    const file = path.join(directory, `screenshot-3840x2160.${format === 'png' ? 'png' : 'jpg'}`);
    await writeTestImage(file, { width: 3840, height: 2160, format, pattern: 'screenshot' });
    const times: number[] = [];
    let sentAs = '';
    await prepareImage({ path: file }, { maxLongSide: 1344 }); // warm sharp and the page cache
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const prepared = await prepareImage({ path: file }, { maxLongSide: 1344 });
      times.push(performance.now() - started);
      sentAs = `${prepared.width}×${prepared.height} ${prepared.mimeType}`;
    }
    times.sort((a, b) => a - b);
    figures.push({ source: `3840×2160 ${format.toUpperCase()} (${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB)`, sentAs, medianMs: times[Math.floor(times.length / 2)], minMs: times[0] });
  }
  return figures;
}
