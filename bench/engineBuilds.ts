// The engine builds in the cache against each other (`--only builds`): the portable build that
// ships in the VSIX (GGML_NATIVE off, CPU kernels loaded at run time) and the -march=native build
// for this CPU, through llama-mtmd-cli of each on the same pair, image and flags, alternating
// which goes first. The question it answers: does the portable build give up speed?

import fs from 'node:fs';
import path from 'node:path';
import { cachedServerBinaries } from '../src/core/engine/locateServer';
import { runMtmdCli, type CliRunOptions, type RunFigures } from './mtmdCliRun';

export interface EngineBuild {
  readonly variant: string;
  readonly cliPath: string;
}

/** Cached builds that have llama-mtmd-cli, one per variant (the newest). */
export function cachedBuilds(): EngineBuild[] {
  const builds = new Map<string, EngineBuild>();
  for (const server of cachedServerBinaries()) {
    const folder = path.dirname(path.dirname(server));
    const cliPath = path.join(path.dirname(server), 'llama-mtmd-cli');
    if (!fs.existsSync(cliPath)) continue;
    let variant = path.basename(folder);
    try {
      variant = (JSON.parse(fs.readFileSync(path.join(folder, 'build-info.json'), 'utf8')) as { variant?: string }).variant ?? variant;
    } catch {
      // the folder name says enough
    }
    if (!builds.has(variant)) builds.set(variant, { variant, cliPath });
  }
  return [...builds.values()];
}

export async function benchEngineBuilds(
  builds: readonly EngineBuild[],
  options: Omit<CliRunOptions, 'cliPath'>,
  runs: number,
  progress: (line: string) => void,
): Promise<Map<string, RunFigures[]>> {
  const figures = new Map<string, RunFigures[]>(builds.map((build) => [build.variant, []]));
  for (let run = 1; run <= runs; run++) {
    const order = run % 2 ? builds : [...builds].reverse();
    for (const build of order) {
      progress(`builds run ${run}/${runs}: ${build.variant}`);
      figures.get(build.variant)!.push(await runMtmdCli({ ...options, cliPath: build.cliPath }));
    }
  }
  return figures;
}
