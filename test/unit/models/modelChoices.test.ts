// What Manage Models shows and how a download reports itself: the active pair (both settings must
// name its files), the picker's rows from the real catalog plus installed pairs (installed first,
// active on top, paused and running downloads marked, local files in use), the progress line with
// its speed and time left, and progress increments that add up to exactly 100, also over a real
// download (resumed after a cancel) from a server on 127.0.0.1.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundledCatalogPath, catalogPairBytes, loadCatalog, type CatalogEntry, type ModelCatalog } from '../../../src/core/models/catalog';
import { downloadPair, type DownloadPairOptions, type PairDownloadProgress } from '../../../src/core/models/download/downloadPair';
import type { InstalledPair } from '../../../src/core/models/installedModels';
import {
  buildModelChoices,
  formatDownloadProgress,
  formatMegabytes,
  formatSpeed,
  formatTimeLeft,
  isActivePair,
  pausedDownloadBytes,
  ProgressIncrements,
  type ModelChoice,
} from '../../../src/core/models/modelChoices';
import { startDownloadServer, syntheticPair, type DownloadTestServer } from './downloadTestServer';

const repositoryRoot = path.resolve(__dirname, '..', '..', '..', '..');

function installedFor(entry: Pick<CatalogEntry, 'id' | 'displayName'> & Partial<CatalogEntry>, modelsDir = '/models', sizeBytes = 545_000_000): InstalledPair {
  const folder = path.join(modelsDir, entry.id);
  const modelFile = entry.model?.file ?? 'model.gguf';
  const projectorFile = entry.projector?.file ?? 'mmproj.gguf';
  const manifestFile = (file: string, size: number) => ({ file, sizeBytes: size, sha256: '0'.repeat(64), sha256Source: 'catalog' as const });
  return {
    id: entry.id,
    displayName: entry.displayName,
    folder,
    modelPath: path.join(folder, modelFile),
    projectorPath: path.join(folder, projectorFile),
    sizeBytes,
    installedAt: '2026-01-01T00:00:00.000Z',
    manifest: {
      formatVersion: 1,
      id: entry.id,
      displayName: entry.displayName,
      architecture: 'llama',
      quantization: 'Q8_0',
      repo: 'org/repo',
      revision: 'main',
      source: 'https://huggingface.co',
      contextSize: 4096,
      installedAt: '2026-01-01T00:00:00.000Z',
      model: manifestFile(modelFile, sizeBytes - 100_000_000),
      projector: manifestFile(projectorFile, 100_000_000),
    },
  };
}

type Row<K extends ModelChoice['kind']> = Extract<ModelChoice, { kind: K }>;
const rowsOf = <K extends ModelChoice['kind']>(choices: readonly ModelChoice[], kind: K): Row<K>[] =>
  choices.filter((choice): choice is Row<K> => choice.kind === kind);

describe('Manage Models: which pair is active', () => {
  const pair = installedFor({ id: 'smol', displayName: 'Smol' }, '/data/models');

  it('is active only when the model and the projector settings both name its files', () => {
    assert.equal(isActivePair(pair, { modelPath: pair.modelPath, mmprojPath: pair.projectorPath }), true);
    assert.equal(isActivePair(pair, { modelPath: pair.modelPath, mmprojPath: '/elsewhere/mmproj.gguf' }), false);
    assert.equal(isActivePair(pair, { modelPath: pair.modelPath }), false, 'the model alone, without vision, is not the pair');
    assert.equal(isActivePair(pair, {}), false);
  });

  it('compares resolved paths, so a path with "." or ".." segments still matches', () => {
    const roundabout = { modelPath: '/data/models/other/../smol/./model.gguf', mmprojPath: '/data/models/smol/mmproj.gguf' };
    assert.equal(isActivePair(pair, roundabout), true);
  });
});

describe('Manage Models: the picker rows', () => {
  let catalog: ModelCatalog;
  before(async () => {
    catalog = await loadCatalog(bundledCatalogPath(repositoryRoot));
  });
  const entry = (id: string) => catalog.entries.find((candidate) => candidate.id === id) as CatalogEntry;

  it('with nothing installed lists every catalog entry to download, the recommended one first with its size, RAM and licence', () => {
    const choices = buildModelChoices({ catalog, installed: [], active: {} });
    const available = rowsOf(choices, 'available');
    assert.equal(available.length, catalog.entries.length);
    assert.equal(rowsOf(choices, 'installed').length, 0);
    assert.ok(!choices.some((choice) => choice.kind === 'separator' && choice.label === 'Installed'), 'no empty "Installed" section');
    const first = available[0];
    assert.equal(first.id, 'smolvlm-500m-instruct-q8');
    assert.equal(first.label, '$(cloud-download) SmolVLM 500M Instruct (recommended)');
    assert.equal(first.description, '546 MB · needs ~1.1 GB RAM · Apache-2.0');
    assert.equal(first.detail, entry('smolvlm-500m-instruct-q8').goodAt);
    assert.equal(available.filter((row) => row.label.includes('(recommended)')).length, 1);
  });

  it('adds the licence note to what an entry is good for', () => {
    const qwen3b = rowsOf(buildModelChoices({ catalog, installed: [], active: {} }), 'available').find((row) => row.id === 'qwen2.5-vl-3b-instruct-q4km');
    assert.match(qwen3b?.description ?? '', /Qwen Research License/);
    assert.match(qwen3b?.detail ?? '', /check it before commercial use/);
  });

  it('marks sizes that are estimates with "~"', () => {
    const approximate = catalog.entries.find((candidate) => candidate.model.sizeApproximate);
    assert.ok(approximate, 'the catalog has an entry with an approximate size');
    const row = rowsOf(buildModelChoices({ catalog, installed: [], active: {} }), 'available').find((candidate) => candidate.id === approximate.id);
    assert.match(row?.description ?? '', /^~\d/);
  });

  it('shows installed pairs first, the active one on top and marked, and leaves them out of the download list', () => {
    const smol = installedFor(entry('smolvlm-500m-instruct-q8'));
    const qwen = installedFor(entry('qwen2-vl-2b-instruct-q4km'), '/models', 1_695_930_304);
    const choices = buildModelChoices({ catalog, installed: [smol, qwen], active: { modelPath: qwen.modelPath, mmprojPath: qwen.projectorPath } });

    assert.deepEqual(choices[0], { kind: 'separator', label: 'Installed' });
    const installed = rowsOf(choices, 'installed');
    assert.deepEqual(installed.map((row) => [row.id, row.active]), [['qwen2-vl-2b-instruct-q4km', true], ['smolvlm-500m-instruct-q8', false]]);
    assert.equal(installed[0].label, '$(check) Qwen2-VL 2B Instruct');
    assert.equal(installed[0].description, '1.7 GB · vision ✓ · ~3.0 GB RAM · active');
    assert.equal(installed[1].label, '$(package) SmolVLM 500M Instruct');
    assert.equal(installed[1].description, '545 MB · vision ✓ · ~1.1 GB RAM');
    assert.equal(rowsOf(choices, 'external').length, 0, 'no "local files" row when an installed pair is active');

    const availableIds = rowsOf(choices, 'available').map((row) => row.id);
    assert.ok(!availableIds.includes('smolvlm-500m-instruct-q8') && !availableIds.includes('qwen2-vl-2b-instruct-q4km'));
    assert.equal(availableIds.length, catalog.entries.length - 2);
    const separators = choices.filter((choice) => choice.kind === 'separator').map((choice) => (choice as Row<'separator'>).label);
    assert.deepEqual(separators, ['Installed', 'Available to download', 'Other']);
  });

  it('lists an installed pair the catalog no longer has, without catalog facts', () => {
    const gone = installedFor({ id: 'retired-model', displayName: 'Retired Model' });
    const row = rowsOf(buildModelChoices({ catalog, installed: [gone], active: {} }), 'installed')[0];
    assert.equal(row.id, 'retired-model');
    assert.equal(row.description, '545 MB · vision ✓');
    assert.equal(row.entry, undefined);
  });

  it('shows local files in use as the active row when no installed pair is active', () => {
    const smol = installedFor(entry('smolvlm-500m-instruct-q8'));
    const choices = buildModelChoices({ catalog, installed: [smol], active: { modelPath: '/home/me/gguf/my-model.gguf', mmprojPath: '/home/me/gguf/mmproj-my-model.gguf' } });
    const external = rowsOf(choices, 'external');
    assert.equal(external.length, 1);
    assert.equal(external[0].label, '$(check) my-model.gguf');
    assert.equal(external[0].description, 'active · local files · vision ✓');
    assert.equal(rowsOf(choices, 'installed')[0].active, false);

    const textOnly = rowsOf(buildModelChoices({ catalog, installed: [], active: { modelPath: '/m/text.gguf' } }), 'external')[0];
    assert.equal(textOnly.description, 'active · local files · no projector: text only');
  });

  it('marks a paused download with what is kept, and a running one', () => {
    const choices = buildModelChoices({
      catalog,
      installed: [],
      active: {},
      paused: new Map([['smolvlm-500m-instruct-q8', 312_000_000]]),
      downloading: new Set(['qwen2-vl-2b-instruct-q4km']),
    });
    const rows = rowsOf(choices, 'available');
    const smol = rows.find((row) => row.id === 'smolvlm-500m-instruct-q8');
    assert.equal(smol?.label, '$(debug-pause) SmolVLM 500M Instruct (recommended)');
    assert.equal(smol?.description, 'paused at 312 MB of 546 MB · needs ~1.1 GB RAM · Apache-2.0');
    assert.equal(smol?.pausedBytes, 312_000_000);
    const qwen = rows.find((row) => row.id === 'qwen2-vl-2b-instruct-q4km');
    assert.equal(qwen?.downloading, true);
    assert.match(qwen?.label ?? '', /^\$\(sync~spin\) /);
    assert.match(qwen?.description ?? '', /^downloading… · /);
  });

  it('ends with "Use Local Model Files…" and, when given, the download source', () => {
    const choices = buildModelChoices({ catalog, installed: [], active: {}, downloadBaseUrl: 'https://mirror.example/hf' });
    assert.deepEqual(choices.slice(-2).map((choice) => choice.kind), ['useLocalFiles', 'downloadSource']);
    assert.equal((choices.at(-1) as Row<'downloadSource'>).description, 'https://mirror.example/hf');
    assert.ok(!buildModelChoices({ catalog, installed: [], active: {} }).some((choice) => choice.kind === 'downloadSource'));
  });
});

describe('Manage Models: the download progress line', () => {
  const event = (extra: Partial<PairDownloadProgress>): PairDownloadProgress => ({
    phase: 'downloading', file: 'model', fileName: 'model.gguf', bytesDone: 0, bytesTotal: 0, bytesPerSecond: 0, secondsRemaining: undefined, ...extra,
  });

  it('reads "Downloading <name>: 312 MB of 1.2 GB · 14.2 MB/s · 1 min left"', () => {
    const line = formatDownloadProgress('SmolVLM 500M Instruct', event({ bytesDone: 312_000_000, bytesTotal: 1_200_000_000, bytesPerSecond: 14_200_000, secondsRemaining: 62 }));
    assert.equal(line, 'Downloading SmolVLM 500M Instruct: 312 MB of 1.2 GB · 14.2 MB/s · 1 min left');
  });

  it('leaves out speed and time left until a speed is known', () => {
    assert.equal(formatDownloadProgress('Smol', event({ bytesDone: 0, bytesTotal: 545_590_272 })), 'Downloading Smol: 0 bytes of 546 MB');
  });

  it('names the checking and finishing phases', () => {
    assert.equal(formatDownloadProgress('Smol', event({ phase: 'checking', bytesDone: 312_000_000 })), 'Checking the 312 MB of Smol already downloaded…');
    assert.equal(formatDownloadProgress('Smol', event({ phase: 'finishing' })), 'Finishing Smol…');
    assert.equal(formatDownloadProgress('Smol', event({ phase: 'done' })), 'Smol is downloaded.');
  });

  it('formats the time left in seconds, minutes, then hours and minutes', () => {
    assert.equal(formatTimeLeft(0.2), '1 s left');
    assert.equal(formatTimeLeft(45), '45 s left');
    assert.equal(formatTimeLeft(60), '1 min left');
    assert.equal(formatTimeLeft(89), '1 min left');
    assert.equal(formatTimeLeft(90), '2 min left');
    assert.equal(formatTimeLeft(3599), '1 h left');
    assert.equal(formatTimeLeft(3900), '1 h 5 min left');
    assert.equal(formatTimeLeft(7200), '2 h left');
  });

  it('formats speeds with one decimal below 100 of a unit', () => {
    assert.equal(formatSpeed(14_200_000), '14.2 MB/s');
    assert.equal(formatSpeed(850_000), '850 KB/s');
    assert.equal(formatSpeed(1_500_000_000), '1.5 GB/s');
    assert.equal(formatSpeed(512), '512 bytes/s');
  });

  it('formats RAM estimates in MB below 1000 and GB above', () => {
    assert.equal(formatMegabytes(700), '700 MB');
    assert.equal(formatMegabytes(1100), '1.1 GB');
    assert.equal(formatMegabytes(16000), '16 GB');
  });
});

describe('Manage Models: progress increments', () => {
  it('grows with the bytes, never goes back when the total grows, and adds up to exactly 100', () => {
    const bar = new ProgressIncrements();
    const increments = [bar.advance(25, 100), bar.advance(50, 100), bar.advance(50, 200), bar.advance(150, 200)];
    assert.deepEqual(increments, [25, 25, 0, 25]);
    assert.equal(bar.finish(), 25);
    assert.equal(bar.percent, 100);
  });

  it('ignores an unknown total and never passes 100', () => {
    const bar = new ProgressIncrements();
    assert.equal(bar.advance(10, 0), 0);
    assert.equal(bar.advance(300, 200), 100);
    assert.equal(bar.finish(), 0);
  });

  describe('over a real download', () => {
    let server: DownloadTestServer;
    let modelsDir: string;
    beforeEach(async () => {
      server = await startDownloadServer({ chunkBytes: 32 * 1024, delayMs: 2 });
      modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-choices-'));
    });
    afterEach(async () => {
      await server.close();
      await fs.rm(modelsDir, { recursive: true, force: true });
    });

    /** What modelDownload.ts does with each event: one increment and one line. */
    function follow(entry: CatalogEntry, bar: ProgressIncrements, increments: number[], lines: string[]): (event: PairDownloadProgress) => void {
      return (event) => {
        increments.push(event.phase === 'done' ? bar.finish() : bar.advance(event.bytesDone, event.bytesTotal));
        lines.push(formatDownloadProgress(entry.displayName, event));
      };
    }
    const options = (extra: Partial<DownloadPairOptions>): DownloadPairOptions => ({
      destinationDir: modelsDir, baseUrl: server.baseUrl, retryDelaysMs: [5], freeSpace: async () => 1e12, progressIntervalMs: 0, ...extra,
    });

    it('paused, then resumed: the partial bytes are found, and the resumed bar starts there and ends at 100', async () => {
      const pair = syntheticPair(server, { modelBytes: 1024 * 1024, projectorBytes: 512 * 1024 });
      const stallAt = 600_000;
      server.script(pair.modelPath, { stallAfter: stallAt });
      const controller = new AbortController();
      await assert.rejects(downloadPair(pair.entry, options({ signal: controller.signal, onProgress: (event) => event.bytesDone >= stallAt && controller.abort() })));
      assert.equal(await pausedDownloadBytes(modelsDir, pair.entry), stallAt);

      const bar = new ProgressIncrements();
      const increments: number[] = [];
      const lines: string[] = [];
      await downloadPair(pair.entry, options({ onProgress: follow(pair.entry, bar, increments, lines) }));

      const total = catalogPairBytes(pair.entry);
      assert.ok(increments.every((increment) => increment >= 0), 'no negative increment');
      assert.ok(Math.abs(increments.reduce((sum, increment) => sum + increment, 0) - 100) < 1e-9, 'the increments add up to 100');
      const firstGrowth = increments.find((increment) => increment > 0) ?? 0;
      assert.ok(firstGrowth >= (stallAt / total) * 100 - 1e-9, `the bar starts at the resumed bytes (first increment ${firstGrowth.toFixed(1)} %)`);
      assert.equal(lines[0], `Checking the ${Math.round(stallAt / 1000)} KB of Test VLM already downloaded…`);
      const downloading = lines.filter((line) => line.startsWith('Downloading '));
      assert.ok(downloading.length > 3);
      for (const line of downloading) assert.match(line, /^Downloading Test VLM: \d+(\.\d)? (KB|MB) of 2 MB( · [\d.]+ (KB|MB|GB)\/s( · \d+ (s|min) left)?)?$/);
      assert.equal(lines.at(-1), 'Test VLM is downloaded.');
      assert.equal(await pausedDownloadBytes(modelsDir, pair.entry), 0, 'an installed pair has no paused bytes');
    });
  });
});
