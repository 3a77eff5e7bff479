// downloadPair against a real HTTP server on 127.0.0.1 serving synthetic files: progress over both
// files, resume after a cut connection, a 200 answer to a Range request, redirects, 404, checksum
// mismatch, cancel and resume, a full disk refused before any request, and the manifest written
// only once both files are in place.

import assert from 'node:assert/strict';
import { existsSync, promises as fs, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadPair, type DownloadPairOptions, type PairDownloadProgress } from '../../../src/core/models/download/downloadPair';
import { pairManifestName } from '../../../src/core/models/download/pairManifest';
import { listInstalledPairs } from '../../../src/core/models/installedModels';
import { sha256Of, startDownloadServer, syntheticPair, type DownloadTestServer, type SyntheticPairFiles } from './downloadTestServer';
import type { GlimpseError } from '../../../src/core/errors';
import { rejectsWith } from '../../fixtures/glimpseErrors';


describe('downloadPair', () => {
  let server: DownloadTestServer;
  let destinationDir: string;
  let pair: SyntheticPairFiles;

  const folder = () => path.join(destinationDir, pair.entry.id);
  const finalModel = () => path.join(folder(), pair.entry.model.file);
  const finalProjector = () => path.join(folder(), pair.entry.projector.file);
  const partialModel = () => `${finalModel()}.partial`;
  const partialProjector = () => `${finalProjector()}.partial`;
  const manifestPath = () => path.join(folder(), pairManifestName);
  const options = (extra: Partial<DownloadPairOptions> = {}): DownloadPairOptions => ({
    destinationDir,
    baseUrl: server.baseUrl,
    retryDelaysMs: [5, 5, 5],
    freeSpace: async () => 1e12,
    ...extra,
  });

  beforeEach(async () => {
    server = await startDownloadServer();
    destinationDir = await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-download-'));
    pair = syntheticPair(server);
  });

  afterEach(async () => {
    await server.close();
    await fs.rm(destinationDir, { recursive: true, force: true });
  });

  function assertInstalledCorrectly(): void {
    assert.equal(sha256Of(readFileSync(finalModel())), sha256Of(pair.model), 'model bytes');
    assert.equal(sha256Of(readFileSync(finalProjector())), sha256Of(pair.projector), 'projector bytes');
    assert.ok(existsSync(manifestPath()), 'manifest written');
    assert.ok(!existsSync(partialModel()) && !existsSync(partialProjector()), 'no partial files left');
  }

  it('fetches both files with one progress stream: sane totals, growing bytes, a speed and a remaining time', async () => {
    await server.close();
    server = await startDownloadServer({ chunkBytes: 32 * 1024, delayMs: 8 });
    pair = syntheticPair(server, { modelBytes: 2 * 1024 * 1024, projectorBytes: 1024 * 1024 });
    const events: PairDownloadProgress[] = [];
    const result = await downloadPair(pair.entry, options({ onProgress: (event) => events.push(event), progressIntervalMs: 0 }));

    assertInstalledCorrectly();
    assert.equal(result.alreadyInstalled, false);
    assert.equal(result.modelPath, finalModel());
    assert.equal(result.projectorPath, finalProjector());
    const total = pair.model.length + pair.projector.length;
    assert.ok(events.length > 20, `expected many progress events, got ${events.length}`);
    for (const event of events) assert.equal(event.bytesTotal, total, 'the total covers both files from the first event on');
    for (let index = 1; index < events.length; index++) {
      assert.ok(events[index].bytesDone >= events[index - 1].bytesDone, `bytesDone went back at event ${index}`);
    }
    assert.equal(events.at(-1)?.bytesDone, total);
    assert.equal(events.at(-1)?.phase, 'done');
    assert.ok(events.some((event) => event.file === 'model') && events.some((event) => event.file === 'projector'));
    const measured = events.filter((event) => event.bytesPerSecond > 0);
    assert.ok(measured.length > 5, 'a speed is reported while bytes flow');
    // 32 KiB every ~8 ms is at most ~4 MB/s; allow for timer slack but catch unit mistakes.
    for (const event of measured) assert.ok(event.bytesPerSecond < 50e6, `implausible speed ${event.bytesPerSecond}`);
    const midway = measured.find((event) => event.bytesDone > total / 4 && event.bytesDone < total / 2);
    assert.ok(midway?.secondsRemaining !== undefined && midway.secondsRemaining > 0 && midway.secondsRemaining < 60, `remaining time midway: ${midway?.secondsRemaining}`);
    assert.deepEqual(
      server.requests.map((request) => request.path),
      [pair.modelPath, pair.projectorPath],
    );
  });

  /** Records, as each request to `urlPath` arrives, how many bytes the partial file holds. */
  function watchPartial(urlPath: string, partial: () => string): number[] {
    const sizes: number[] = [];
    server.onRequest = (request) => {
      if (request.path === urlPath) sizes.push(existsSync(partial()) ? statSync(partial()).size : 0);
    };
    return sizes;
  }

  it('resumes a connection cut halfway from the byte it reached and verifies the whole file', async () => {
    const cut = 1_234_567;
    server.script(pair.modelPath, { cutAfter: cut });
    const partialSizes = watchPartial(pair.modelPath, partialModel);
    await downloadPair(pair.entry, options());

    const modelRequests = server.requestsFor(pair.modelPath);
    assert.equal(modelRequests.length, 2);
    assert.equal(modelRequests[0].range, undefined);
    // Bytes still in flight when the socket died are lost; the resume starts exactly where the file ends.
    const resumedAt = partialSizes[1];
    assert.ok(resumedAt > cut / 2 && resumedAt <= cut, `resumed at ${resumedAt}`);
    assert.equal(modelRequests[1].range, `bytes=${resumedAt}-`);
    assertInstalledCorrectly();
  });

  it('a 404 names the URL and the base URL to check, and leaves no installed file', async () => {
    server.always(pair.projectorPath, { status: 404 });
    await assert.rejects(downloadPair(pair.entry, options()), (error: unknown) =>
      rejectsWith('download-not-found', `${server.baseUrl}${pair.projectorPath}`, 'HTTP 404', 'check the model download base URL')(error) &&
      (error as GlimpseError).optionsToChange.join() === 'modelDownloadBaseUrl');
    assert.ok(!existsSync(finalModel()), 'the model is not renamed into place without its projector');
    assert.ok(!existsSync(finalProjector()));
    assert.ok(!existsSync(manifestPath()));
    assert.deepEqual(await listInstalledPairs(destinationDir), []);
  });

  it('a wrong checksum names both hashes and deletes the damaged partial', async () => {
    const published = 'ab'.repeat(32);
    const entry = { ...pair.entry, projector: { ...pair.entry.projector, sha256: published } };
    await assert.rejects(downloadPair(entry, options()), rejectsWith('download-checksum-mismatch', published, sha256Of(pair.projector)));
    assert.ok(!existsSync(partialProjector()), 'the damaged partial is deleted');
    assert.ok(!existsSync(finalProjector()));
    assert.ok(!existsSync(finalModel()));
    assert.ok(!existsSync(manifestPath()));
  });

  it('cancel keeps the partial file, and the next call resumes it', async () => {
    const stallAt = 700_000;
    server.script(pair.modelPath, { stallAfter: stallAt });
    const controller = new AbortController();
    await assert.rejects(
      downloadPair(pair.entry, options({ signal: controller.signal, progressIntervalMs: 0, onProgress: (event) => event.bytesDone >= stallAt && controller.abort() })),
      rejectsWith('cancelled', 'kept', 'resumes'),
    );
    assert.equal(statSync(partialModel()).size, stallAt, 'the partial keeps every byte received');
    assert.ok(!existsSync(finalModel()) && !existsSync(manifestPath()));

    await downloadPair(pair.entry, options());
    const modelRequests = server.requestsFor(pair.modelPath);
    assert.equal(modelRequests.length, 2);
    assert.equal(modelRequests[1].range, `bytes=${stallAt}-`);
    assertInstalledCorrectly();
  });

  it('refuses a download that does not fit on the disk before making any request', async () => {
    const probed: string[] = [];
    await assert.rejects(
      downloadPair(pair.entry, options({ freeSpace: async (dir) => (probed.push(dir), 1000) })),
      rejectsWith('download-no-space', '4 MB', '1 KB free', destinationDir),
    );
    assert.equal(server.requests.length, 0);
    assert.deepEqual(probed, [folder()]);
  });

  it('counts only the bytes still missing against the free space when resuming', async () => {
    await fs.mkdir(folder(), { recursive: true });
    await fs.writeFile(partialModel(), pair.model.subarray(0, 2 * 1024 * 1024));
    const stillNeeded = pair.model.length - 2 * 1024 * 1024 + pair.projector.length;
    await downloadPair(pair.entry, options({ freeSpace: async () => stillNeeded }));
    assertInstalledCorrectly();
  });

  it('restarts from byte 0 when the server answers a Range request with the whole file (200)', async () => {
    const stale = Buffer.alloc(500_000, 0xab); // wrong bytes: appending to them would fail the checksum
    await fs.mkdir(folder(), { recursive: true });
    await fs.writeFile(partialModel(), stale);
    server.script(pair.modelPath, { ignoreRange: true });
    await downloadPair(pair.entry, options());

    assert.equal(server.requestsFor(pair.modelPath)[0].range, `bytes=${stale.length}-`);
    assertInstalledCorrectly();
  });

  it('restarts from byte 0 when a 206 does not start where the partial ends', async () => {
    await fs.mkdir(folder(), { recursive: true });
    await fs.writeFile(partialModel(), pair.model.subarray(0, 100_000));
    server.script(pair.modelPath, { claimRangeStart: 0 });
    await downloadPair(pair.entry, options());

    const ranges = server.requestsFor(pair.modelPath).map((request) => request.range);
    assert.deepEqual(ranges, ['bytes=100000-', undefined]);
    assertInstalledCorrectly();
  });

  it('follows redirects (relative and absolute) and resumes through them', async () => {
    const cdnPath = '/cdn/blob/model';
    server.serve(cdnPath, pair.model);
    server.always(pair.modelPath, { redirectTo: '/cdn/hop' });
    server.always('/cdn/hop', { redirectTo: `${server.baseUrl}${cdnPath}`, redirectStatus: 307 });
    server.script(cdnPath, { cutAfter: 300_000 });
    const partialSizes = watchPartial(cdnPath, partialModel);
    await downloadPair(pair.entry, options());

    const ranges = server.requestsFor(cdnPath).map((request) => request.range);
    assert.equal(ranges.length, 2);
    assert.equal(ranges[0], undefined);
    assert.ok(partialSizes[1] > 0);
    assert.equal(ranges[1], `bytes=${partialSizes[1]}-`, 'the Range header survives the redirects');
    assert.equal(server.requestsFor(pair.modelPath).length, 2, 'the resume starts again at the catalog URL');
    assert.equal(server.requestsFor('/cdn/hop').length, 2);
    assertInstalledCorrectly();
  });

  it('stops after 5 redirects', async () => {
    server.always(pair.modelPath, { redirectTo: pair.modelPath });
    await assert.rejects(downloadPair(pair.entry, options()), rejectsWith('download-bad-response', 'redirected more than 5 times'));
    assert.equal(server.requestsFor(pair.modelPath).length, 6);
  });

  it('writes the manifest only after both files are complete', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server.script(pair.projectorPath, { stallAfter: 200_000, release: released });
    const observations: Array<{ manifest: boolean; finalModel: boolean; modelPartialComplete: boolean }> = [];
    const listedWhileDownloading: Promise<number>[] = [];
    const download = downloadPair(
      pair.entry,
      options({
        progressIntervalMs: 0,
        onProgress: (event) => {
          if (event.file !== 'projector' || event.bytesDone < pair.model.length + 200_000 || observations.length) return;
          observations.push({
            manifest: existsSync(manifestPath()),
            finalModel: existsSync(finalModel()),
            modelPartialComplete: existsSync(partialModel()) && statSync(partialModel()).size === pair.model.length,
          });
          // The projector is stalled until the listing is done, so nothing changes meanwhile.
          listedWhileDownloading.push(
            listInstalledPairs(destinationDir).then((pairs) => {
              release();
              return pairs.length;
            }),
          );
        },
        retryDelaysMs: [0],
        idleTimeoutMs: 5000,
      }),
    );
    await download;
    assert.deepEqual(observations, [{ manifest: false, finalModel: false, modelPartialComplete: true }]);
    assert.deepEqual(await Promise.all(listedWhileDownloading), [0]);
    await released;
    assertInstalledCorrectly();
    const installed = await listInstalledPairs(destinationDir);
    assert.equal(installed.length, 1);
    assert.equal(installed[0].sizeBytes, pair.model.length + pair.projector.length);
  });

  it('records the computed hash in the manifest when the catalog publishes none', async () => {
    pair = syntheticPair(server, { publishedHashes: false });
    const result = await downloadPair(pair.entry, options());
    assert.equal(result.manifest.model.sha256, sha256Of(pair.model));
    assert.equal(result.manifest.model.sha256Source, 'computed');
    assert.equal(result.manifest.projector.sha256, sha256Of(pair.projector));
    const written = JSON.parse(readFileSync(manifestPath(), 'utf8'));
    assert.equal(written.projector.sha256, sha256Of(pair.projector));
    assert.equal(written.projector.sizeBytes, pair.projector.length);
  });

  it('gives up after the automatic retries, keeping what arrived', async () => {
    server.always(pair.modelPath, { cutAfter: 200_000 });
    const partialSizes = watchPartial(pair.modelPath, partialModel);
    await assert.rejects(downloadPair(pair.entry, options({ retryDelaysMs: [1, 1] })), rejectsWith('download-failed', 'after 3 attempts', 'kept'));
    const ranges = server.requestsFor(pair.modelPath).map((request) => request.range);
    assert.deepEqual(ranges, [undefined, `bytes=${partialSizes[1]}-`, `bytes=${partialSizes[2]}-`]);
    assert.ok(partialSizes[1] > 0 && partialSizes[2] > partialSizes[1], `each attempt resumed further: ${partialSizes.join(', ')}`);
    assert.ok(statSync(partialModel()).size > partialSizes[2], 'the bytes of the last attempt are kept');
  });

  it('retries a 503 and reports other HTTP errors with their status', async () => {
    server.script(pair.modelPath, { status: 503 });
    server.always(pair.projectorPath, { status: 401 });
    await assert.rejects(downloadPair(pair.entry, options()), rejectsWith('download-http-error', 'HTTP 401', pair.entry.projector.file));
    assert.equal(server.requestsFor(pair.modelPath).length, 2, 'the 503 was retried');
    assert.equal(server.requestsFor(pair.projectorPath).length, 1, 'a 401 is not retried');
  });

  it('drops a silent connection after the idle timeout and resumes', async () => {
    server.script(pair.modelPath, { stallAfter: 400_000 });
    await downloadPair(pair.entry, options({ idleTimeoutMs: 300 }));
    assert.deepEqual(
      server.requestsFor(pair.modelPath).map((request) => request.range),
      [undefined, 'bytes=400000-'],
    );
    assertInstalledCorrectly();
  });

  it('words a silent server in its own terms when it gives up: "no data arrived for 1 s"', async () => {
    server.always(pair.modelPath, { stallAfter: 1000 });
    await assert.rejects(
      downloadPair(pair.entry, options({ idleTimeoutMs: 600, retryDelaysMs: [] })),
      rejectsWith('download-failed', 'failed after 1 attempt: no data arrived for 1 s.'),
    );
  });

  it('words a refused connection in its own terms after retrying it', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(
      downloadPair(pair.entry, options({ baseUrl: `http://127.0.0.1:${port}`, retryDelaysMs: [1] })),
      rejectsWith('download-failed', `failed after 2 attempts: 127.0.0.1:${port} refused the connection.`),
    );
  });

  it('uses a mirror base URL with a path prefix (and the real statfs probe)', async () => {
    server.serve(`/mirror${pair.modelPath}`, pair.model);
    server.serve(`/mirror${pair.projectorPath}`, pair.projector);
    await downloadPair(pair.entry, options({ baseUrl: `${server.baseUrl}/mirror/`, freeSpace: undefined }));
    assert.deepEqual(
      server.requests.map((request) => request.path),
      [`/mirror${pair.modelPath}`, `/mirror${pair.projectorPath}`],
    );
    assertInstalledCorrectly();
  });

  it('finishes a pair whose files were renamed but whose manifest was never written, without downloading again', async () => {
    await fs.mkdir(folder(), { recursive: true });
    await fs.writeFile(finalModel(), pair.model);
    await fs.writeFile(finalProjector(), pair.projector);
    assert.deepEqual(await listInstalledPairs(destinationDir), [], 'no manifest: not installed');
    await downloadPair(pair.entry, options());
    // The server answered each resume request with 416 (already complete): no body was sent again.
    assert.deepEqual(
      server.requests.map((request) => request.range),
      [`bytes=${pair.model.length}-`, `bytes=${pair.projector.length}-`],
    );
    assertInstalledCorrectly();
  });

  it('returns an installed pair without any request', async () => {
    await downloadPair(pair.entry, options());
    const requestsBefore = server.requests.length;
    const again = await downloadPair(pair.entry, options());
    assert.equal(again.alreadyInstalled, true);
    assert.equal(server.requests.length, requestsBefore);
  });

  it('refuses a second download of the same pair while one runs', async () => {
    let release!: () => void;
    server.script(pair.modelPath, { stallAfter: 10_000, release: new Promise<void>((resolve) => (release = resolve)) });
    const first = downloadPair(pair.entry, options());
    await assert.rejects(downloadPair(pair.entry, options()), rejectsWith('download-busy', pair.entry.displayName));
    release();
    await first;
    assertInstalledCorrectly();
  });

  it('refuses a base URL that is not http(s)', async () => {
    await assert.rejects(downloadPair(pair.entry, options({ baseUrl: 'ftp://mirror.example/' })), (error: unknown) =>
      rejectsWith('invalid-argument', 'The model download base URL "ftp://mirror.example/" must start with https://')(error) &&
      (error as GlimpseError).optionsToChange.join() === 'modelDownloadBaseUrl');
    assert.equal(server.requests.length, 0);
  });
});
