// What "Glimpse: Manage Models" shows, computed without the editor: which installed pair is the
// active one (the configured glimpse.modelPath + glimpse.mmprojPath), the picker's rows built from
// the catalog and the installed pairs (installed first, then what can be downloaded, with paused
// downloads marked), and the download progress line with its speed and time left. The VS Code
// side (src/vscode/manageModels.ts, modelDownload.ts) only turns these into quick pick items and
// notifications. `pausedDownloadBytes` is the one function here that reads the disk.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { catalogPairBytes, type CatalogEntry, type ModelCatalog } from './catalog';
import { formatBytes } from '../formatBytes';
import type { PairDownloadProgress } from './download/downloadPair';
import { pairFolder, partialSuffix } from './download/pairManifest';
import type { InstalledPair } from './installedModels';

/** The model files the settings point at (already expanded to absolute paths, or undefined). */
export interface ActiveModelSettings {
  readonly modelPath?: string;
  readonly mmprojPath?: string;
}

/** True when the settings use exactly this pair: its model and its projector. */
export function isActivePair(pair: Pick<InstalledPair, 'modelPath' | 'projectorPath'>, active: ActiveModelSettings): boolean {
  if (!active.modelPath || !active.mmprojPath) return false;
  return samePath(pair.modelPath, active.modelPath) && samePath(pair.projectorPath, active.mmprojPath);
}

function samePath(a: string, b: string): boolean {
  const left = path.resolve(a);
  const right = path.resolve(b);
  // Windows and (usually) macOS file systems ignore case.
  return process.platform === 'linux' ? left === right : left.toLowerCase() === right.toLowerCase();
}

/** One row of the Manage Models picker. */
export type ModelChoice =
  | { readonly kind: 'separator'; readonly label: string }
  | {
      readonly kind: 'installed';
      readonly id: string;
      readonly label: string;
      readonly description: string;
      readonly detail?: string;
      readonly active: boolean;
      readonly pair: InstalledPair;
      /** The catalog entry with this id, when the catalog still has it. */
      readonly entry?: CatalogEntry;
    }
  | {
      /** The settings point at files that are not a pair installed here (chosen with "Use Local Model Files…"). */
      readonly kind: 'external';
      readonly label: string;
      readonly description: string;
      readonly detail: string;
    }
  | {
      readonly kind: 'available';
      readonly id: string;
      readonly label: string;
      readonly description: string;
      readonly detail: string;
      readonly entry: CatalogEntry;
      /** Bytes of a stopped download kept on disk (0: none); downloading again resumes from them. */
      readonly pausedBytes: number;
      readonly downloading: boolean;
    }
  | { readonly kind: 'useLocalFiles'; readonly label: string; readonly description: string }
  | { readonly kind: 'downloadSource'; readonly label: string; readonly description: string };

export interface ModelChoicesInput {
  readonly catalog: ModelCatalog;
  readonly installed: readonly InstalledPair[];
  readonly active: ActiveModelSettings;
  /** Catalog ids with partial files on disk, and how many bytes they hold. */
  readonly paused?: ReadonlyMap<string, number>;
  /** Catalog ids being downloaded right now. */
  readonly downloading?: ReadonlySet<string>;
  /** The download base URL in use (shown on the "download source" row). */
  readonly downloadBaseUrl?: string;
}

/**
 * The picker's rows: "In use and installed" (the active pair first), then "Available to download"
 * (catalog order, the default entry first; installed entries are left out), then the actions
 * that are not about one pair. Labels may carry `$(icon)` codicons.
 */
export function buildModelChoices(input: ModelChoicesInput): ModelChoice[] {
  const choices: ModelChoice[] = [];
  const byId = new Map(input.catalog.entries.map((entry) => [entry.id, entry]));
  const installedIds = new Set(input.installed.map((pair) => pair.id));

  const installed = input.installed
    .map((pair) => ({ pair, active: isActivePair(pair, input.active), entry: byId.get(pair.id) }))
    .sort((a, b) => Number(b.active) - Number(a.active));
  const anyActive = installed.some((item) => item.active);
  const external = !anyActive && input.active.modelPath !== undefined;
  if (installed.length > 0 || external) choices.push({ kind: 'separator', label: 'Installed' });
  if (external) {
    const modelPath = input.active.modelPath as string;
    choices.push({
      kind: 'external',
      label: `$(check) ${path.basename(modelPath)}`,
      description: `active · local files${input.active.mmprojPath ? ' · vision ✓' : ' · no projector: text only'}`,
      detail: input.active.mmprojPath ? `${modelPath} + ${path.basename(input.active.mmprojPath)}` : modelPath,
    });
  }
  for (const { pair, active, entry } of installed) {
    const parts = [formatBytes(pair.sizeBytes), 'vision ✓'];
    if (entry) parts.push(`~${formatMegabytes(entry.ramEstimateMb)} RAM`);
    if (active) parts.push('active');
    choices.push({
      kind: 'installed',
      id: pair.id,
      label: `${active ? '$(check)' : '$(package)'} ${pair.displayName}`,
      description: parts.join(' · '),
      ...(entry ? { detail: entryDetail(entry) } : {}),
      active,
      pair,
      ...(entry ? { entry } : {}),
    });
  }

  const available = input.catalog.entries
    .filter((entry) => !installedIds.has(entry.id))
    .sort((a, b) => Number(b.default) - Number(a.default));
  if (available.length > 0) choices.push({ kind: 'separator', label: 'Available to download' });
  for (const entry of available) {
    const downloading = input.downloading?.has(entry.id) ?? false;
    const pausedBytes = input.paused?.get(entry.id) ?? 0;
    const size = catalogPairBytes(entry);
    const about = entry.model.sizeApproximate || entry.projector.sizeApproximate ? '~' : '';
    const parts = [
      downloading ? 'downloading…' : pausedBytes > 0 ? `paused at ${formatBytes(pausedBytes)} of ${about}${formatBytes(size)}` : `${about}${formatBytes(size)}`,
      `needs ~${formatMegabytes(entry.ramEstimateMb)} RAM`,
      entry.licence,
    ];
    const icon = downloading ? '$(sync~spin)' : pausedBytes > 0 ? '$(debug-pause)' : '$(cloud-download)';
    choices.push({
      kind: 'available',
      id: entry.id,
      label: `${icon} ${entry.displayName}${entry.default ? ' (recommended)' : ''}`,
      description: parts.join(' · '),
      detail: entryDetail(entry),
      entry,
      pausedBytes,
      downloading,
    });
  }

  choices.push({ kind: 'separator', label: 'Other' });
  choices.push({ kind: 'useLocalFiles', label: '$(folder-opened) Use Local Model Files…', description: 'a GGUF model and its mmproj you already have' });
  if (input.downloadBaseUrl !== undefined) {
    choices.push({ kind: 'downloadSource', label: '$(globe) Download Source…', description: input.downloadBaseUrl });
  }
  return choices;
}

function entryDetail(entry: CatalogEntry): string {
  return entry.note ? `${entry.goodAt} ${entry.note}` : entry.goodAt;
}

/** "700 MB", "1.1 GB", "16 GB" for a RAM estimate in MB. */
export function formatMegabytes(megabytes: number): string {
  if (megabytes < 1000) return `${Math.round(megabytes)} MB`;
  const gigabytes = megabytes / 1000;
  return `${gigabytes < 10 ? gigabytes.toFixed(1) : Math.round(gigabytes)} GB`;
}

/** "14.2 MB/s", "850 KB/s": one decimal below 100 of a unit, so a steady speed reads steadily. */
export function formatSpeed(bytesPerSecond: number): string {
  const units: Array<[number, string]> = [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'KB']];
  for (const [size, unit] of units) {
    if (bytesPerSecond >= size) {
      const value = bytesPerSecond / size;
      return `${value < 100 ? value.toFixed(1) : Math.round(value)} ${unit}/s`;
    }
  }
  return `${Math.round(bytesPerSecond)} bytes/s`;
}

/** "45 s left", "1 min left", "2 h 5 min left". */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 59.5) return `${Math.max(1, Math.ceil(seconds))} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h left` : `${hours} h ${rest} min left`;
}

/**
 * The notification's line for a download event:
 * "Downloading SmolVLM 500M Instruct: 312 MB of 1.2 GB · 14.2 MB/s · 1 min left". Speed and time
 * left appear once a speed is known.
 */
export function formatDownloadProgress(displayName: string, progress: PairDownloadProgress): string {
  switch (progress.phase) {
    case 'checking':
      return `Checking the ${formatBytes(progress.bytesDone)} of ${displayName} already downloaded…`;
    case 'finishing':
      return `Finishing ${displayName}…`;
    case 'done':
      return `${displayName} is downloaded.`;
    case 'downloading': {
      const parts = [`Downloading ${displayName}: ${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}`];
      if (progress.bytesPerSecond > 0) parts.push(formatSpeed(progress.bytesPerSecond));
      if (progress.bytesPerSecond > 0 && progress.secondsRemaining !== undefined) parts.push(formatTimeLeft(progress.secondsRemaining));
      return parts.join(' · ');
    }
  }
}

/**
 * Turns "bytes done of bytes total" into the increments VS Code's progress API wants: each one
 * the growth since the last report, never negative (a total that grows can lower the fraction),
 * and all of them together exactly 100 once `finish()` is called.
 */
export class ProgressIncrements {
  private reported = 0;

  /** Percent reported so far (0–100). */
  get percent(): number {
    return this.reported;
  }

  /** The increment that brings the bar to `done / total` (0 when it is already there or past it). */
  advance(done: number, total: number): number {
    if (!(total > 0)) return 0;
    const target = Math.min(100, Math.max(0, (done / total) * 100));
    if (target <= this.reported) return 0;
    const increment = target - this.reported;
    this.reported = target;
    return increment;
  }

  /** The increment that completes the bar. */
  finish(): number {
    const increment = 100 - this.reported;
    this.reported = 100;
    return increment;
  }
}

/**
 * Bytes of a stopped download of `entry` kept in `modelsDir` (its `.partial` files), 0 when there
 * are none. A pair that is installed has no partial files.
 */
export async function pausedDownloadBytes(modelsDir: string, entry: CatalogEntry): Promise<number> {
  const folder = pairFolder(modelsDir, entry.id);
  let total = 0;
  for (const file of [entry.model.file, entry.projector.file]) {
    try {
      total += (await fs.stat(path.join(folder, file + partialSuffix))).size;
    } catch {
      // no partial for this file
    }
  }
  return total;
}
