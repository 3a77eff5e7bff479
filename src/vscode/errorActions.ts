// Shows an error as VS Code says it (the core's message, then the settings it names) with the
// actions that help (errorChoices.ts), and runs the one the user picks: from a notification
// (`showErrorWithActions`) or from a button of the chat panel (`runErrorChoice`).

import * as vscode from 'vscode';
import { GlimpseError } from '../core/errors';
import { notificationChoicesFor, type ErrorChoice } from './errorChoices';
import type { Log } from './log';
import { editorErrorText, settingsQuery } from './settingNames';

/** The buttons' labels (literals, so the l10n bundle can carry them). */
function choiceLabel(choice: ErrorChoice): string {
  switch (choice) {
    case 'retry': return vscode.l10n.t('Retry');
    case 'manageModels': return vscode.l10n.t('Manage Models');
    case 'getEngine': return vscode.l10n.t('Get the Engine');
    case 'setUpRemote': return vscode.l10n.t('Set Up Remote Server');
    case 'openSettings': return vscode.l10n.t('Open Settings');
    case 'showLog': return vscode.l10n.t('Show Log');
  }
}

/**
 * Runs one action for an error. Open Settings shows exactly the settings the error names (all of
 * Glimpse's when it names none); Retry runs `retry`, and does nothing without one.
 */
export async function runErrorChoice(choice: ErrorChoice, failure: Pick<GlimpseError, 'optionsToChange'>, log: Log, retry?: () => unknown): Promise<void> {
  switch (choice) {
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', settingsQuery(failure.optionsToChange));
      break;
    case 'getEngine':
      await vscode.commands.executeCommand('glimpse.getEngine');
      break;
    case 'manageModels':
      await vscode.commands.executeCommand('glimpse.manageModels');
      break;
    case 'setUpRemote':
      await vscode.commands.executeCommand('glimpse.setUpRemote');
      break;
    case 'showLog':
      log.show(true);
      break;
    case 'retry':
      await retry?.();
      break;
  }
}

/**
 * An error notification with the actions that help with it; runs the one picked. Offers Retry
 * only when `retry` is given. Resolves with the action run (undefined when dismissed) once it ran.
 */
export async function showErrorWithActions(failure: GlimpseError, log: Log, retry?: () => unknown): Promise<ErrorChoice | undefined> {
  const choices = notificationChoicesFor(failure, retry !== undefined);
  const labels = choices.map(choiceLabel);
  const picked = await vscode.window.showErrorMessage(editorErrorText(failure), ...labels);
  const choice = picked === undefined ? undefined : choices[labels.indexOf(picked)];
  if (choice) await runErrorChoice(choice, failure, log, retry);
  return choice;
}

