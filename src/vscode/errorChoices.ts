// Which actions the extension offers for an error: the one mapping from a GlimpseError (its code
// and the options it names) to the buttons of a notification and of the chat panel's error. No
// `vscode` import, so unit tests read it in plain Node; errorActions.ts shows and runs them.

import type { GlimpseError, GlimpseErrorCode } from '../core/errors';
import type { ErrorAction } from '../core/protocol';

/** Everything a user may be offered: the panel's ErrorAction values and two commands more. */
export type ErrorChoice = ErrorAction | 'manageModels' | 'setUpRemote';

/** The buttons' labels, in the order the buttons appear. */
export const choiceLabels: Readonly<Record<ErrorChoice, string>> = {
  retry: 'Retry',
  manageModels: 'Manage Models',
  getEngine: 'Get the Engine',
  setUpRemote: 'Set Up Remote Server',
  openSettings: 'Open Settings',
  showLog: 'Show Log',
};

/** Errors a setting fixes: the model pair, the engine binary, the remote server's address and key, the context. */
const settingsErrors: readonly GlimpseErrorCode[] = [
  'model-not-configured', 'file-missing', 'file-empty', 'file-not-gguf', 'file-truncated', 'file-unreadable',
  'model-not-text', 'model-unsupported', 'mmproj-not-clip', 'mmproj-no-vision', 'pair-mismatch', 'model-no-vision', 'engine-not-found', 'engine-unusable',
  'remote-invalid-url', 'remote-insecure-url', 'remote-unauthorized', 'remote-not-found', 'remote-no-vision', 'context-full',
];

/** No model yet, or one that cannot see: the model manager downloads one or picks another. */
const modelErrors: readonly GlimpseErrorCode[] = ['model-not-configured', 'model-no-vision'];

/** The remote server's address or key is wrong: "Set Up Remote Server…" asks for both again. */
const remoteSetupErrors: readonly GlimpseErrorCode[] = ['remote-invalid-url', 'remote-insecure-url', 'remote-unauthorized'];

/** Errors whose message already says all there is to do (an image to fix, a stop the user asked for). */
function isSelfExplanatory(code: GlimpseErrorCode): boolean {
  return code.startsWith('image-') || code === 'cancelled' || code === 'invalid-argument';
}

/**
 * Every action that helps with this error, in button order. Retry is for failures a setting does
 * not fix (the chat retries the answer); Open Settings is offered whenever the error names an option.
 */
export function choicesFor(failure: Pick<GlimpseError, 'code' | 'optionsToChange'>): ErrorChoice[] {
  const { code } = failure;
  const choices: ErrorChoice[] = [];
  const settingsError = settingsErrors.includes(code);
  if (!settingsError && !isSelfExplanatory(code)) choices.push('retry');
  if (modelErrors.includes(code)) choices.push('manageModels');
  // No engine in this install: one click downloads llama.cpp for this platform.
  if (code === 'engine-not-found') choices.push('getEngine');
  if (remoteSetupErrors.includes(code)) choices.push('setUpRemote');
  if (settingsError || failure.optionsToChange.length > 0) choices.push('openSettings');
  if (!isSelfExplanatory(code)) choices.push('showLog');
  return choices;
}

function isPanelAction(choice: ErrorChoice): choice is ErrorAction {
  return choice === 'retry' || choice === 'getEngine' || choice === 'openSettings' || choice === 'showLog';
}

/**
 * The actions the chat panel shows under a failed answer: those of `choicesFor` that the panel's
 * protocol carries (saved conversations keep them, and their schema knows only these).
 */
export function panelActionsFor(failure: Pick<GlimpseError, 'code' | 'optionsToChange'>): ErrorAction[] {
  return choicesFor(failure).filter(isPanelAction);
}

/** The actions of a notification: no Retry unless the caller can retry. */
export function notificationChoicesFor(failure: Pick<GlimpseError, 'code' | 'optionsToChange'>, canRetry: boolean): ErrorChoice[] {
  return choicesFor(failure).filter((choice) => canRetry || choice !== 'retry');
}
