// "Glimpse: Check the Engine" (and the walkthrough's engine step): finds and runs llama-server once
// (--version, --list-devices) and says which one it is, where it came from, the CPU kernels it
// loaded and the devices it can use; or why there is none, with what to do. Tells the walkthrough
// whether it passed (walkthroughContext.ts).

import * as vscode from 'vscode';
import { describeEngineBuild, locateServer, type LocatedServer } from '../core/engine/locateServer';
import { asGlimpseError } from '../core/errors';
import { readConfig, serverSearch } from './config';
import { showErrorWithActions } from './errorActions';
import type { Log } from './log';

/** The summary line for a working engine. */
export function engineSummary(server: LocatedServer): string {
  const devices = server.accelerators.length > 0 ? server.accelerators.join('; ') : vscode.l10n.t('CPU only');
  return vscode.l10n.t('The engine works: {0} ({1}; {2}). Devices: {3}.', server.path, server.version, describeEngineBuild(server), devices);
}

export async function checkEngine(log: Log, onChecked: (ready: boolean) => void): Promise<LocatedServer | undefined> {
  const config = readConfig();
  if (config.backend === 'remote') {
    const message = vscode.l10n.t('Glimpse uses the remote server {0}: no local engine is needed.', config.remote.url || '(not set yet)');
    log.info(`[engine] ${message}`);
    onChecked(true);
    void vscode.window.showInformationMessage(message);
    return undefined;
  }
  try {
    const server = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Glimpse: checking the engine…') },
      () => locateServer(config.serverPath, serverSearch()),
    );
    const summary = engineSummary(server);
    log.info(`[engine] ${summary}`);
    onChecked(true);
    void vscode.window.showInformationMessage(summary);
    return server;
  } catch (error) {
    const failure = asGlimpseError(error);
    log.error(`[engine] ${failure.message}${failure.detail ? `\n${failure.detail}` : ''}`);
    onChecked(false);
    void showErrorWithActions(failure, log);
    return undefined;
  }
}
