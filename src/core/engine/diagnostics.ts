// What `glimpse doctor` reports: the engine binary and its version, the CPU and the SIMD features
// llama.cpp's CPU backend uses, and the model pair's checks. Each item says ok or what is wrong.

import fs from 'node:fs';
import os from 'node:os';
import { asGlimpseError } from '../errors';
import type { UserOption } from '../userOptions';
import { checkModelPair } from '../models/pairCheck';
import { describeEngineBuild, locateServer, type ServerSearch } from './locateServer';

export interface DiagnosticItem {
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
  /** The options `detail` tells the user to change (the front end names them its own way). */
  readonly optionsToChange?: readonly UserOption[];
}

/** SIMD features that decide llama.cpp's CPU speed (matrix multiply kernels). */
const interestingCpuFlags = ['sse3', 'ssse3', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512_vnni', 'avx_vnni', 'amx_tile', 'asimd', 'sve'];

export function cpuFeatures(cpuinfo = readCpuinfo()): string[] {
  const flagsLine = cpuinfo.split('\n').find((line) => /^(flags|Features)\s*:/.test(line));
  if (!flagsLine) return [];
  const flags = new Set(flagsLine.split(':')[1].trim().split(/\s+/));
  if (flags.has('pni')) flags.add('sse3'); // Linux names SSE3 "pni"
  return interestingCpuFlags.filter((flag) => flags.has(flag));
}

function readCpuinfo(): string {
  try {
    return fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

export interface DiagnoseOptions extends ServerSearch {
  readonly serverPath?: string;
  readonly modelPath?: string;
  readonly mmprojPath?: string;
}

export async function diagnose(options: DiagnoseOptions): Promise<DiagnosticItem[]> {
  const items: DiagnosticItem[] = [];
  try {
    const server = await locateServer(options.serverPath, options);
    items.push({ label: 'engine', ok: true, detail: `${server.path} (${server.version}; ${describeEngineBuild(server)})` });
  } catch (error) {
    items.push(failedItem('engine', error));
  }
  const cpus = os.cpus();
  const features = cpuFeatures();
  items.push({
    label: 'cpu',
    ok: true,
    detail: `${cpus[0]?.model ?? 'unknown'} × ${os.availableParallelism()} threads, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM` +
      (features.length ? `; features: ${features.join(' ')}` : ''),
  });
  if (process.arch === 'x64' && features.length > 0 && !features.includes('avx2')) {
    items.push({ label: 'cpu speed', ok: false, detail: 'This CPU lacks AVX2: image encoding and decoding will be several times slower.' });
  }
  if (!options.modelPath) {
    items.push({ label: 'model', ok: false, detail: 'No model given: name the model file and its projector file.', optionsToChange: ['modelPath', 'mmprojPath'] });
    return items;
  }
  try {
    const pair = await checkModelPair({ modelPath: options.modelPath, mmprojPath: options.mmprojPath }, { bundledEngine: !options.serverPath });
    items.push({ label: 'model', ok: true, detail: describePair(pair) });
  } catch (error) {
    items.push(failedItem('model', error));
  }
  return items;
}

function failedItem(label: string, error: unknown): DiagnosticItem {
  const failure = asGlimpseError(error);
  return { label, ok: false, detail: failure.message, optionsToChange: failure.optionsToChange };
}

function describePair(pair: Awaited<ReturnType<typeof checkModelPair>>): string {
  const vision = pair.vision
    ? `vision: ${pair.vision.projectorType} projector, ${pair.vision.imageSize} px, patch ${pair.vision.patchSize}`
    : 'no projector: text only';
  return `${pair.modelName} (${pair.modelArchitecture}, ${pair.embeddingLength}-d, ${pair.blockCount} layers); ${vision}`;
}
