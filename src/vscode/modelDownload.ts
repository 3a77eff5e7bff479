// Downloads a catalog pair with a progress notification: "Downloading <name>: 312 MB of 1.2 GB ·
// 14.2 MB/s · 1 min left", a bar that fills to 100, and a Cancel button that pauses (the partial
// files stay; downloading again resumes from them). A finished download offers "Use It Now"; a
// failed one shows the reason with Retry. One download per pair at a time: asking again while it
// runs joins the running one.

import * as vscode from 'vscode';
import { asGlimpseError, type GlimpseErrorCode } from '../core/errors';
import { catalogPairBytes, type CatalogEntry } from '../core/models/catalog';
import { formatBytes } from '../core/formatBytes';
import { downloadPair, type DownloadedPair } from '../core/models/download/downloadPair';
import { formatDownloadProgress, pausedDownloadBytes, ProgressIncrements } from '../core/models/modelChoices';
import type { Log } from './log';
import { downloadBaseUrl, setActivePair } from './modelStorage';
import { editorErrorText } from './settingNames';

export type DownloadOutcome =
  | { readonly status: 'done'; readonly pair: DownloadedPair }
  | { readonly status: 'paused'; readonly message: string }
  | { readonly status: 'error'; readonly code: GlimpseErrorCode; readonly message: string };

export interface DownloadModelOptions {
  readonly modelsDir: string;
  readonly log: Log;
  /** Interactive: offer "Use It Now" after success and Retry after a failure (off for programmatic calls). */
  readonly interactive: boolean;
}

/** Downloads running now, by catalog id. */
const running = new Map<string, Promise<DownloadOutcome>>();

export function isDownloading(id: string): boolean {
  return running.has(id);
}

export function downloadingIds(): ReadonlySet<string> {
  return new Set(running.keys());
}

/** Downloads the pair (or joins the download of it that is already running). */
export function downloadModel(entry: CatalogEntry, options: DownloadModelOptions): Promise<DownloadOutcome> {
  const current = running.get(entry.id);
  if (current) {
    if (options.interactive) void vscode.window.showInformationMessage(`${entry.displayName} is already downloading: its progress is in the notification.`);
    return current;
  }
  const download = runDownload(entry, options).finally(() => running.delete(entry.id));
  running.set(entry.id, download);
  return download;
}

async function runDownload(entry: CatalogEntry, options: DownloadModelOptions): Promise<DownloadOutcome> {
  const { log } = options;
  const baseUrl = downloadBaseUrl();
  log.info(`[models] downloading ${entry.id} (${entry.repo}) from ${baseUrl} into ${options.modelsDir}`);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, cancellable: true, title: 'Glimpse' },
    async (progress, token): Promise<DownloadOutcome> => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      const bar = new ProgressIncrements();
      progress.report({ message: `Downloading ${entry.displayName}…` });
      try {
        const pair = await downloadPair(entry, {
          destinationDir: options.modelsDir,
          baseUrl,
          signal: controller.signal,
          onProgress: (event) => {
            const increment = event.phase === 'done' ? bar.finish() : bar.advance(event.bytesDone, event.bytesTotal);
            progress.report({ message: formatDownloadProgress(entry.displayName, event), ...(increment > 0 ? { increment } : {}) });
          },
        });
        return { status: 'done', pair };
      } catch (error) {
        const failure = asGlimpseError(error);
        if (failure.code === 'cancelled') return { status: 'paused', message: failure.message };
        return { status: 'error', code: failure.code, message: editorErrorText(failure) };
      } finally {
        cancel.dispose();
      }
    },
  );

  if (outcome.status === 'done') {
    const { pair } = outcome;
    log.info(`[models] ${entry.id} ${pair.alreadyInstalled ? 'was already installed' : 'downloaded'}: ${pair.folder}`);
    if (options.interactive) {
      const size = formatBytes(pair.manifest.model.sizeBytes + pair.manifest.projector.sizeBytes);
      const text = pair.alreadyInstalled ? `${entry.displayName} is already installed.` : `${entry.displayName} is downloaded (${size}).`;
      void vscode.window.showInformationMessage(text, 'Use It Now').then(async (choice) => {
        if (choice !== 'Use It Now') return;
        try {
          await setActivePair(pair);
          void vscode.window.showInformationMessage(`Glimpse now uses ${entry.displayName}.`);
        } catch (error) {
          void vscode.window.showErrorMessage(editorErrorText(asGlimpseError(error)));
        }
      });
    }
  } else if (outcome.status === 'paused') {
    log.info(`[models] ${outcome.message}`);
    if (options.interactive) {
      const kept = await pausedDownloadBytes(options.modelsDir, entry);
      const keptText = kept > 0 ? ` (${formatBytes(kept)} of ${formatBytes(catalogPairBytes(entry))} kept)` : '';
      void vscode.window.showInformationMessage(`Download of ${entry.displayName} paused${keptText}: run "Glimpse: Manage Models" again to resume.`);
    }
  } else {
    log.error(`[models] ${outcome.message}`);
    if (options.interactive) {
      void vscode.window.showErrorMessage(outcome.message, 'Retry').then((choice) => {
        if (choice === 'Retry') void downloadModel(entry, options);
      });
    }
  }
  return outcome;
}
