// `glimpse doctor`: prints the core's diagnostics as a checklist (engine, CPU and its SIMD
// features, the model pair), plus what the engine build can run on: its compute backends and
// devices (from `llama-server --list-devices`) and, for a build from `npm run build:engine` or one
// bundled in a VSIX, its variant, GPU flags and the CPU kernels it loaded. Exits 1 when something
// is wrong.

import fs from 'node:fs';
import path from 'node:path';
import { diagnose, type DiagnosticItem } from '../core/engine/diagnostics';
import { locateServer, type LocatedServer, type ServerSearch } from '../core/engine/locateServer';
import { withFlagNames } from './optionFlags';

export async function runDoctor(options: ServerSearch & { serverPath?: string; modelPath?: string; mmprojPath?: string }): Promise<number> {
  const items = await diagnose(options);
  const engine = items.findIndex((item) => item.label === 'engine');
  if (engine >= 0 && items[engine].ok) {
    // Verified (and cached) by diagnose a moment ago: this runs nothing again.
    const server = await locateServer(options.serverPath, options).catch(() => undefined);
    if (server) items.splice(engine + 1, 0, ...engineHardwareItems(server.accelerators, readBuildInfo(server), server.cpuVariant));
  }
  for (const item of items) process.stdout.write(`${item.ok ? '✓' : '✗'} ${item.label}: ${withFlagNames(item.detail, item.optionsToChange)}\n`);
  return items.every((item) => item.ok) ? 0 : 1;
}

/** What scripts/build-engine.mjs records next to a build (the fields doctor shows). */
export interface EngineBuildInfo {
  readonly variant?: string;
  readonly cmakeFlags?: readonly string[];
  /** The CPU kernel modules a portable build carries (libggml-cpu-<name>). */
  readonly cpuVariants?: readonly string[];
}

/** Device name prefixes that are not the backend's usual name. */
const backendNames: Record<string, string> = { MTL: 'Metal' };

/**
 * The "backends", "devices" and "build" lines. Devices are `--list-devices` lines such as
 * "CUDA0: NVIDIA H100 80GB HBM3 (81079 MiB, 80600 MiB free)" or "MTL0: Apple M2 Pro (…)"; the
 * backend is the device name without its index ("MTL" is Metal). The CPU backend is always there.
 */
export function engineHardwareItems(accelerators: readonly string[], build?: EngineBuildInfo, cpuVariant?: string): DiagnosticItem[] {
  const backends = ['CPU'];
  for (const device of accelerators) {
    const prefix = /^([A-Za-z][A-Za-z_-]*?)\d*:/.exec(device)?.[1] ?? device.split(':')[0];
    const name = backendNames[prefix] ?? prefix;
    if (name && !backends.includes(name)) backends.push(name);
  }
  const items: DiagnosticItem[] = [
    { label: 'backends', ok: true, detail: backends.join(', ') },
    {
      label: 'devices',
      ok: true,
      detail: accelerators.length > 0
        ? `${accelerators.join('; ')} (--gpu-layers chooses how many layers go there; "auto" lets the engine fit them)`
        : 'none: this engine build runs on the CPU only (to use a GPU, build it with Vulkan or CUDA: see docs/engine-builds.md)',
    },
  ];
  if (build?.variant) {
    const gpuFlags = (build.cmakeFlags ?? []).filter((flag) => /^-DGGML_(?!NATIVE)/.test(flag));
    items.push({ label: 'build', ok: true, detail: `variant ${build.variant}${gpuFlags.length ? `, ${gpuFlags.join(' ')}` : ''}` });
  }
  if (cpuVariant) {
    const of = build?.cpuVariants?.length ? ` (of ${build.cpuVariants.length} in this build: ${build.cpuVariants.join(', ')})` : '';
    items.push({ label: 'cpu kernels', ok: true, detail: `${cpuVariant}${of}` });
  }
  return items;
}

/**
 * build-info.json of an engine from the cache (`<build>/bin/llama-server` → `<build>/build-info.json`)
 * or bundled in a VSIX (`<extension>/engine/build-info.json`, beside the binary).
 */
function readBuildInfo(server: LocatedServer): EngineBuildInfo | undefined {
  const folder = server.source === 'cache' ? path.dirname(path.dirname(server.path)) : server.source === 'bundled' ? path.dirname(server.path) : undefined;
  if (!folder) return undefined;
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(folder, 'build-info.json'), 'utf8')) as Record<string, unknown>;
    const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined);
    return {
      variant: typeof parsed.variant === 'string' ? parsed.variant : undefined,
      cmakeFlags: strings(parsed.cmakeFlags),
      cpuVariants: strings(parsed.cpuVariants),
    };
  } catch {
    return undefined;
  }
}
