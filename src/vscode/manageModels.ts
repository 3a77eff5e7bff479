// "Glimpse: Manage Models": one quick pick with the installed pairs (size, vision, which one is
// active) and the catalog's pairs that can be downloaded (size, RAM, what each is good at,
// licence; paused downloads marked). Enter downloads an available pair or opens the actions of an
// installed one; item buttons set a pair active or delete it. The rows come from
// core/models/modelChoices.ts; downloads run in modelDownload.ts.
//
// Tests and other callers drive it without UI by passing a request, e.g.
// `executeCommand('glimpse.manageModels', { action: 'download', id, entry, activate: true })`,
// and get a ManageModelsResult back (no prompts; the progress notification still shows).

import * as vscode from 'vscode';
import { asGlimpseError, GlimpseError, type GlimpseErrorCode } from '../core/errors';
import { findCatalogEntry, type CatalogEntry, type ModelCatalog } from '../core/models/catalog';
import { formatBytes } from '../core/formatBytes';
import { deletePair, findInstalledPair, type InstalledPair } from '../core/models/installedModels';
import { buildModelChoices, isActivePair, pausedDownloadBytes, type ModelChoice } from '../core/models/modelChoices';
import type { Log } from './log';
import { downloadingIds, downloadModel, isDownloading } from './modelDownload';
import { activeModelSettings, bundledCatalog, clearActivePair, downloadBaseUrl, installedPairs, modelsDirectory, setActivePair } from './modelStorage';
import { editorErrorText } from './settingNames';

export type ManageModelsRequest =
  | { readonly action: 'list' }
  /** `entry` replaces the bundled catalog's entry (tests serve their own pair); `activate` sets it active once installed. */
  | { readonly action: 'download'; readonly id: string; readonly entry?: CatalogEntry; readonly activate?: boolean }
  | { readonly action: 'setActive'; readonly id: string }
  /** Deletes without asking (the picker asks first); clears the settings when it was the active pair. */
  | { readonly action: 'delete'; readonly id: string }
  | { readonly action: 'useLocalFiles' };

export interface ManagedPairView extends Pick<InstalledPair, 'id' | 'displayName' | 'folder' | 'modelPath' | 'projectorPath' | 'sizeBytes'> {
  readonly active: boolean;
}

export interface ManageModelsResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly errorCode?: GlimpseErrorCode;
  /** For a download: how it ended. */
  readonly download?: 'done' | 'paused' | 'error';
  readonly modelsDir: string;
  readonly installed: readonly ManagedPairView[];
}

export type ModelsContext = Pick<vscode.ExtensionContext, 'globalStorageUri' | 'extensionUri'>;

export async function manageModels(context: ModelsContext, log: Log, request?: ManageModelsRequest): Promise<ManageModelsResult | undefined> {
  if (request) return runRequest(context, log, request);
  try {
    await showPicker(context, log);
  } catch (error) {
    const failure = asGlimpseError(error);
    log.error(`[models] ${failure.message}${failure.detail ? `\n${failure.detail}` : ''}`);
    void vscode.window.showErrorMessage(editorErrorText(failure));
  }
  return undefined;
}

// ---- programmatic requests ---------------------------------------------------------------------

async function runRequest(context: ModelsContext, log: Log, request: ManageModelsRequest): Promise<ManageModelsResult> {
  const modelsDir = modelsDirectory(context);
  let download: ManageModelsResult['download'];
  try {
    switch (request.action) {
      case 'list':
        break;
      case 'download': {
        const entry = request.entry ?? findCatalogEntry(await bundledCatalog(context.extensionUri), request.id);
        if (!entry || entry.id !== request.id) throw new GlimpseError('invalid-argument', `The model catalog has no entry "${request.id}".`);
        const outcome = await downloadModel(entry, { modelsDir, log, interactive: false });
        download = outcome.status;
        if (outcome.status === 'paused') throw new GlimpseError('cancelled', outcome.message);
        if (outcome.status === 'error') throw new GlimpseError(outcome.code, outcome.message);
        if (request.activate) await setActivePair(outcome.pair);
        break;
      }
      case 'setActive':
        await setActivePair(await installedPair(modelsDir, request.id));
        break;
      case 'delete':
        await deleteModel(modelsDir, request.id, log);
        break;
      case 'useLocalFiles':
        await vscode.commands.executeCommand('glimpse.useLocalModel');
        break;
    }
    return { ok: true, ...(download ? { download } : {}), modelsDir, installed: await views(context) };
  } catch (error) {
    const failure = asGlimpseError(error);
    return { ok: false, error: failure.message, errorCode: failure.code, ...(download ? { download } : {}), modelsDir, installed: await views(context) };
  }
}

async function views(context: ModelsContext): Promise<ManagedPairView[]> {
  const active = activeModelSettings();
  return (await installedPairs(context)).map((pair) => ({
    id: pair.id,
    displayName: pair.displayName,
    folder: pair.folder,
    modelPath: pair.modelPath,
    projectorPath: pair.projectorPath,
    sizeBytes: pair.sizeBytes,
    active: isActivePair(pair, active),
  }));
}

async function installedPair(modelsDir: string, id: string): Promise<InstalledPair> {
  const pair = await findInstalledPair(modelsDir, id);
  if (!pair) throw new GlimpseError('file-missing', `The model "${id}" is not installed (or its download is not complete). Download it from "Glimpse: Manage Models".`);
  return pair;
}

/**
 * Deletes a pair (or a paused download's partial files). When it is the active pair the settings
 * are cleared first, so the engine lets go of the files before they are removed.
 */
async function deleteModel(modelsDir: string, id: string, log: Log): Promise<void> {
  if (isDownloading(id)) throw new GlimpseError('download-busy', 'This model is downloading: cancel the download in its notification first, then delete it.');
  const pair = await findInstalledPair(modelsDir, id);
  if (pair && isActivePair(pair, activeModelSettings())) await clearActivePair();
  try {
    await deletePair(modelsDir, id);
  } catch {
    // Windows refuses to delete a file the engine still maps while it shuts down: once more, later.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await deletePair(modelsDir, id);
  }
  log.info(`[models] deleted ${id} from ${modelsDir}`);
}

// ---- the picker --------------------------------------------------------------------------------

type PickItem = vscode.QuickPickItem & { readonly choice?: ModelChoice };
type Picked = { readonly choice: ModelChoice; readonly button?: vscode.QuickInputButton };

const useButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('pass'), tooltip: 'Use This Model' };
const deleteButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Delete…' };
const discardButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Discard the Paused Download…' };

async function showPicker(context: ModelsContext, log: Log): Promise<void> {
  const modelsDir = modelsDirectory(context);
  const catalog = await bundledCatalog(context.extensionUri);
  // Each action that changes what is installed or active shows the picker again, refreshed.
  for (;;) {
    const picked = await pickOnce(await currentChoices(context, catalog));
    if (!picked) return;
    const again = await perform(picked, modelsDir, log);
    if (!again) return;
  }
}

async function currentChoices(context: ModelsContext, catalog: ModelCatalog): Promise<ModelChoice[]> {
  const modelsDir = modelsDirectory(context);
  const installed = await installedPairs(context);
  const paused = new Map<string, number>();
  for (const entry of catalog.entries) {
    if (installed.some((pair) => pair.id === entry.id)) continue;
    const bytes = await pausedDownloadBytes(modelsDir, entry);
    if (bytes > 0) paused.set(entry.id, bytes);
  }
  return buildModelChoices({ catalog, installed, active: activeModelSettings(), paused, downloading: downloadingIds(), downloadBaseUrl: downloadBaseUrl() });
}

function toItem(choice: ModelChoice): PickItem {
  switch (choice.kind) {
    case 'separator':
      return { label: choice.label, kind: vscode.QuickPickItemKind.Separator };
    case 'installed':
      return { label: choice.label, description: choice.description, detail: choice.detail, buttons: choice.active ? [deleteButton] : [useButton, deleteButton], choice };
    case 'available':
      return { label: choice.label, description: choice.description, detail: choice.detail, buttons: choice.pausedBytes > 0 && !choice.downloading ? [discardButton] : [], choice };
    case 'external':
      return { label: choice.label, description: choice.description, detail: choice.detail, choice };
    case 'useLocalFiles':
    case 'downloadSource':
      return { label: choice.label, description: choice.description, choice };
  }
}

function pickOnce(choices: readonly ModelChoice[]): Promise<Picked | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<PickItem>();
    pick.title = 'Glimpse: Manage Models';
    pick.placeholder = 'Enter: download a model, or the actions of an installed one (buttons: use, delete)';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.items = choices.map(toItem);
    let result: Picked | undefined;
    pick.onDidAccept(() => {
      const choice = pick.selectedItems[0]?.choice;
      if (!choice) return;
      result = { choice };
      pick.hide();
    });
    pick.onDidTriggerItemButton(({ item, button }) => {
      if (!item.choice) return;
      result = { choice: item.choice, button };
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(result);
    });
    pick.show();
  });
}

/** Does what was picked; true: show the picker again. */
async function perform(picked: Picked, modelsDir: string, log: Log): Promise<boolean> {
  const { choice, button } = picked;
  switch (choice.kind) {
    case 'separator':
    case 'external':
      return true;
    case 'useLocalFiles':
      await vscode.commands.executeCommand('glimpse.useLocalModel');
      return false;
    case 'downloadSource':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'glimpse.modelDownloadBaseUrl');
      return false;
    case 'available':
      if (button === discardButton) return discardPaused(choice.entry, choice.pausedBytes, modelsDir, log);
      // Runs on in its notification; the picker closes.
      void downloadModel(choice.entry, { modelsDir, log, interactive: true });
      return false;
    case 'installed': {
      const action = button === useButton ? 'use' : button === deleteButton ? 'delete' : await pickInstalledAction(choice.pair, choice.active);
      if (action === 'use') {
        await setActivePair(choice.pair);
        void vscode.window.showInformationMessage(`Glimpse now uses ${choice.pair.displayName}.`);
        return false;
      }
      if (action === 'delete') return confirmAndDelete(choice.pair, choice.active, modelsDir, log);
      if (action === 'reveal') {
        await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(choice.pair.modelPath));
        return false;
      }
      return true;
    }
  }
}

async function pickInstalledAction(pair: InstalledPair, active: boolean): Promise<'use' | 'delete' | 'reveal' | undefined> {
  const items: Array<vscode.QuickPickItem & { action: 'use' | 'delete' | 'reveal' }> = [
    ...(active ? [] : [{ label: '$(pass) Use This Model', action: 'use' as const }]),
    { label: '$(trash) Delete…', description: formatBytes(pair.sizeBytes), action: 'delete' },
    { label: '$(folder) Show the Files', description: pair.folder, action: 'reveal' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `Glimpse: ${pair.displayName}${active ? ' (active)' : ''}` });
  return picked?.action;
}

async function confirmAndDelete(pair: InstalledPair, active: boolean, modelsDir: string, log: Log): Promise<boolean> {
  const detail =
    `Its files (${formatBytes(pair.sizeBytes)}) are removed from ${pair.folder}.` +
    (active ? ' It is the model Glimpse uses now: Glimpse will have no model until you choose another.' : '');
  const sure = await vscode.window.showWarningMessage(`Delete ${pair.displayName}?`, { modal: true, detail }, 'Delete');
  if (sure !== 'Delete') return true;
  await deleteModel(modelsDir, pair.id, log);
  if (active) void vscode.window.showInformationMessage(`${pair.displayName} is deleted. Glimpse has no model now: choose or download one.`);
  return true;
}

async function discardPaused(entry: CatalogEntry, bytes: number, modelsDir: string, log: Log): Promise<boolean> {
  const sure = await vscode.window.showWarningMessage(
    `Discard the paused download of ${entry.displayName}?`,
    { modal: true, detail: `The ${formatBytes(bytes)} downloaded so far are deleted; a new download starts from the beginning.` },
    'Discard',
  );
  if (sure === 'Discard') await deleteModel(modelsDir, entry.id, log);
  return true;
}
