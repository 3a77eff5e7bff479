// Writes several engine settings as one change. Manage Models, Use Local Model Files and Set Up
// Remote Server each write 2-4 settings one by one; VS Code reports each write on its own, and an
// engine that followed each one would restart several times, and could briefly try the new model
// with the old projector. While a batch is open, the engine host waits; it applies the settings
// once, when the last batch closes.

import * as vscode from 'vscode';

let open = 0;
const closed = new vscode.EventEmitter<void>();

/** Fires when the last open batch has been written. */
export const onDidCloseEngineSettingsBatch = closed.event;

export function isEngineSettingsBatchOpen(): boolean {
  return open > 0;
}

/** `glimpse.<key>` values for the user's (Global) settings; undefined removes a value. */
export type EngineSettingsUpdate = ReadonlyArray<readonly [key: string, value: unknown]>;

/** Writes the values in order, as one change for the engine; `before` runs inside the batch first (e.g. storing a key). */
export async function updateEngineSettings(updates: EngineSettingsUpdate, before?: () => PromiseLike<void>): Promise<void> {
  open++;
  try {
    await before?.();
    const config = vscode.workspace.getConfiguration('glimpse');
    for (const [key, value] of updates) await config.update(key, value, vscode.ConfigurationTarget.Global);
  } finally {
    open--;
    if (open === 0) closed.fire();
  }
}
