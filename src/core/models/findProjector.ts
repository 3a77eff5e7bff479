// Finds the projector (mmproj) published next to a model file, so "Use local files…" needs one
// pick instead of two. Candidates are the GGUF files in the same folder whose name contains
// "mmproj" (the convention of llama.cpp's converters and of the ggml-org repositories); each is
// checked against the model, and the first that fits wins. A folder with several projectors for
// different models (a common downloads folder) still finds the one that matches.

import fs from 'node:fs/promises';
import path from 'node:path';
import { asGlimpseError } from '../errors';
import { checkModelPair, type ModelPairInfo, type PairCheckOptions } from './pairCheck';

export interface ProjectorSearch {
  /** The projector that fits, with the checked pair. */
  readonly found?: { readonly mmprojPath: string; readonly pair: ModelPairInfo };
  /** Projector candidates that did not fit, with the reason (for the message when none fits). */
  readonly rejected: readonly { readonly mmprojPath: string; readonly reason: string }[];
}

export async function findProjectorFor(modelPath: string, options: PairCheckOptions = {}): Promise<ProjectorSearch> {
  const folder = path.dirname(modelPath);
  const names = (await fs.readdir(folder)).filter((name) => /mmproj/i.test(name) && /\.gguf$/i.test(name) && path.join(folder, name) !== modelPath);
  // Projectors whose name shares the most with the model's name first.
  const stem = path.basename(modelPath).toLowerCase().replace(/\.gguf$/, '');
  const shared = (name: string) => name.toLowerCase().split(/[-_.]/).filter((part) => part.length > 1 && stem.includes(part)).length;
  names.sort((a, b) => shared(b) - shared(a));
  const rejected: Array<{ mmprojPath: string; reason: string }> = [];
  for (const name of names) {
    const mmprojPath = path.join(folder, name);
    try {
      const pair = await checkModelPair({ modelPath, mmprojPath }, options);
      return { found: { mmprojPath, pair }, rejected };
    } catch (error) {
      rejected.push({ mmprojPath, reason: asGlimpseError(error).message });
    }
  }
  return { rejected };
}
