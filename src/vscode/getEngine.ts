// "Glimpse: Get the Engine" (and the action on the "llama-server was not found" error): downloads
// the llama.cpp release pinned for this platform in engines.json into global storage, with a
// progress notification whose Cancel pauses (the next run resumes), then restarts the engine on it.
// An archive with no pinned checksum runs only after the user says so in a modal dialog.

import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { downloadEngine, parseEngineManifest, releaseFor, type DownloadedEngine, type EngineDownloadOptions } from '../core/engine/engineDownload';
import { asGlimpseError } from '../core/errors';
import { runtimeTarget } from '../core/runtimeTarget';
import { formatBytes } from '../core/formatBytes';
import { formatSpeed, ProgressIncrements } from '../core/models/modelChoices';
import { downloadedEnginesDirectory, extensionPath } from './installation';
import { readConfig } from './config';
import type { Log } from './log';
import { editorErrorText } from './settingNames';

/** For tests: answers the unverified-archive question instead of the modal dialog. */
export interface GetEngineRequest {
  readonly allowUnverified?: boolean;
  /** The engine list to use instead of the packaged engines.json. */
  readonly manifestPath?: string;
}

export type GetEngineOutcome =
  | { readonly status: 'done'; readonly engine: DownloadedEngine }
  | { readonly status: 'paused' | 'declined' | 'error'; readonly message: string };

let running: Promise<GetEngineOutcome> | undefined;

export function getEngine(log: Log, restartEngine: () => Promise<void>, request: GetEngineRequest = {}): Promise<GetEngineOutcome> {
  running ??= run(log, restartEngine, request).finally(() => (running = undefined));
  return running;
}

async function run(log: Log, restartEngine: () => Promise<void>, request: GetEngineRequest): Promise<GetEngineOutcome> {
  const target = runtimeTarget();
  const destinationDir = downloadedEnginesDirectory();
  const root = extensionPath();
  if (!destinationDir || !root) return { status: 'error', message: 'Glimpse is not activated yet.' };
  let release;
  try {
    const manifest = parseEngineManifest(JSON.parse(fs.readFileSync(request.manifestPath ?? path.join(root, 'engines.json'), 'utf8')));
    release = releaseFor(manifest, target);
  } catch (error) {
    return fail(log, editorErrorText(asGlimpseError(error)));
  }
  if (!release) return fail(log, `There is no llama.cpp download for ${target} in Glimpse's engine list. Set glimpse.serverPath to a llama-server built for this machine.`);

  let allowUnverified = request.allowUnverified ?? false;
  if (!release.sha256 && request.allowUnverified === undefined) {
    const runIt = vscode.l10n.t('Download and Run It');
    const picked = await vscode.window.showWarningMessage(
      vscode.l10n.t('No checksum is pinned for llama.cpp {0} for {1}', release.tag, target),
      {
        modal: true,
        detail: vscode.l10n.t('Glimpse cannot prove that {0} is the archive llama.cpp published. Run it only if you trust that source; otherwise set glimpse.serverPath to a llama-server you built or checked yourself.', release.url),
      },
      runIt,
    );
    if (picked !== runIt) return { status: 'declined', message: 'The unverified engine was not downloaded.' };
    allowUnverified = true;
  }

  const mirror = readConfig().engineDownloadBaseUrl;
  log.info(`[engine] downloading llama.cpp ${release.tag} for ${target} from ${mirror ?? release.url} into ${destinationDir}${release.sha256 ? '' : ' (no pinned checksum: the user chose to run it)'}`);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, cancellable: true, title: 'Glimpse' },
    async (progress, token): Promise<GetEngineOutcome> => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      const bar = new ProgressIncrements();
      const label = `llama.cpp ${release.tag}`;
      const options: EngineDownloadOptions = {
        destinationDir, mirrorBaseUrl: mirror, allowUnverified, signal: controller.signal,
        onProgress: (event) => {
          const increment = event.bytesTotal ? bar.advance(event.bytesDone, event.bytesTotal) : 0;
          const message = event.phase === 'checking' ? `Checking the ${formatBytes(event.bytesDone)} of ${label} already downloaded…`
            : event.phase === 'unpacking' ? `Unpacking ${label}…`
            : event.phase === 'verifying' ? `Checking that ${label} runs on this machine…`
            : [`Downloading ${label}: ${formatBytes(event.bytesDone)}${event.bytesTotal ? ` of ${formatBytes(event.bytesTotal)}` : ''}`, ...(event.bytesPerSecond > 0 ? [formatSpeed(event.bytesPerSecond)] : [])].join(' · ');
          progress.report({ message, ...(increment > 0 ? { increment } : {}) });
        },
      };
      try {
        return { status: 'done', engine: await downloadEngine(release, options) };
      } catch (error) {
        const failure = asGlimpseError(error);
        if (failure.code === 'cancelled') return { status: 'paused', message: `The download of ${label} is paused: run "Glimpse: Get the Engine" again to resume.` };
        log.error(`[engine] ${failure.message}${failure.detail ? `\n${failure.detail}` : ''}`);
        return { status: 'error', message: editorErrorText(failure) };
      } finally {
        cancel.dispose();
      }
    },
  );

  if (outcome.status === 'done') {
    log.info(`[engine] llama.cpp ${release.tag} is ready: ${outcome.engine.serverPath} (${outcome.engine.version}; sha256 ${outcome.engine.sha256})`);
    await restartEngine();
    void vscode.window.showInformationMessage(vscode.l10n.t('The engine is ready: llama.cpp {0} ({1}).', release.tag, outcome.engine.version));
  } else if (outcome.status === 'paused') {
    void vscode.window.showInformationMessage(outcome.message);
  } else if (outcome.status === 'error') {
    void vscode.window.showErrorMessage(outcome.message, vscode.l10n.t('Retry')).then((picked) => {
      if (picked) void getEngine(log, restartEngine, request);
    });
  }
  return outcome;
}

function fail(log: Log, message: string): GetEngineOutcome {
  log.error(`[engine] ${message}`);
  void vscode.window.showErrorMessage(message);
  return { status: 'error', message };
}
