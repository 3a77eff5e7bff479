// A platform VSIX records the target it was built for (platform.json, written by
// scripts/package.mjs). Installed on another platform (a VSIX copied by hand), its image library and
// engine cannot load: platformMismatch says so, for the adapter to show at once instead of failing
// later where an image is opened.

import fs from 'node:fs';
import path from 'node:path';
import { runtimeTarget } from './runtimeTarget';

export interface PackagedPlatform {
  /** The VS Code target the VSIX was built for, e.g. "linux-x64". */
  readonly target: string;
  /** Whether the VSIX carries llama-server (engine/). */
  readonly engine: boolean;
}

export function readPackagedPlatform(extensionPath: string): PackagedPlatform | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(extensionPath, 'platform.json'), 'utf8')) as Partial<PackagedPlatform>;
    return typeof parsed.target === 'string' ? { target: parsed.target, engine: parsed.engine === true } : undefined;
  } catch {
    return undefined; // a development checkout, or a VSIX for no particular platform
  }
}

/** The warning for a VSIX built for another platform; undefined when it fits (or says nothing). */
export function platformMismatch(packaged: PackagedPlatform | undefined, here = runtimeTarget()): string | undefined {
  if (!packaged) return undefined;
  // alpine-x64 and alpine-arm64 are Linux builds for musl: Node reports them as linux.
  const fits = packaged.target === here || packaged.target.replace(/^alpine-/, 'linux-') === here;
  if (fits) return undefined;
  return `This build of Glimpse is for ${packaged.target}, and this machine is ${here}: images cannot be opened and the engine cannot run. Install the Glimpse VSIX for ${here}.`;
}
