// How VS Code names the options a core message tells the user to change: the core says "the
// llama-server path" and lists 'serverPath' in GlimpseError.optionsToChange; the extension adds
// 'Setting: "glimpse.serverPath".' and can open the Settings editor on it. No `vscode` import, so
// unit tests read it in plain Node.

import type { GlimpseError } from '../core/errors';
import type { UserOption } from '../core/userOptions';

/** Each option's setting (package.json `contributes.configuration`). */
export const settingIds: Readonly<Record<UserOption, string>> = {
  modelPath: 'glimpse.modelPath',
  mmprojPath: 'glimpse.mmprojPath',
  serverPath: 'glimpse.serverPath',
  gpuLayers: 'glimpse.gpuLayers',
  contextSize: 'glimpse.contextSize',
  maxTokens: 'glimpse.maxTokens',
  maxImageMegabytes: 'glimpse.maxImageMegabytes',
  browserPath: 'glimpse.browserPath',
  modelDownloadBaseUrl: 'glimpse.modelDownloadBaseUrl',
  engineDownloadBaseUrl: 'glimpse.engineDownloadBaseUrl',
  remoteVision: 'glimpse.remote.vision',
  requestTimeout: 'glimpse.requestTimeoutSeconds',
};

/** ' Setting: "glimpse.serverPath".' (or 'Settings: "…", "…".'); empty for no options. */
export function settingsSentence(options: readonly UserOption[]): string {
  const ids = [...new Set(options)].map((option) => `"${settingIds[option]}"`);
  if (ids.length === 0) return '';
  return ` ${ids.length === 1 ? 'Setting' : 'Settings'}: ${ids.join(', ')}.`;
}

/** A core text followed by the settings it tells the user to change. */
export function withSettingNames(text: string, options: readonly UserOption[] = []): string {
  return `${text}${settingsSentence(options)}`;
}

/** What the extension shows for an error: its message and the settings to change. */
export function editorErrorText(failure: Pick<GlimpseError, 'message' | 'optionsToChange'>): string {
  return withSettingNames(failure.message, failure.optionsToChange);
}

/**
 * The Settings editor's search for these options: exactly those settings (`@id:` takes a comma
 * separated list), or all of Glimpse's when the error names none.
 */
export function settingsQuery(options: readonly UserOption[]): string {
  if (options.length === 0) return 'glimpse.';
  return `@id:${[...new Set(options)].map((option) => settingIds[option]).join(',')}`;
}
