// The questions Generate Code from Mockup asks before it starts: which image (Explorer, image
// preview or a file picker), which target (the last choice first), and optional extra instructions.
// Tests and other callers pass the answers instead.

import * as vscode from 'vscode';
import { MOCKUP_TARGETS, isMockupTargetId, type MockupTargetId } from '../core/mockup/targets';
import type { ImageInput } from '../core/images/prepare';
import { imagesFromContext } from './imagePick';
import type { MockupController, MockupOptions, MockupOutcome } from './mockupController';

const lastTargetKey = 'glimpse.mockup.lastTarget';

/** Programmatic answers (tests, the chat panel): anything given is not asked. */
export interface MockupCommandArgs {
  readonly file?: string;
  readonly target?: MockupTargetId;
  readonly instructions?: string;
  readonly twoStep?: boolean;
  readonly score?: boolean;
  /** Take the image from the chat panel (its title-bar button). */
  readonly fromChat?: boolean;
}

export async function generateFromMockup(
  controller: MockupController,
  state: vscode.Memento,
  chatImage: () => ImageInput | undefined,
  clicked?: vscode.Uri | MockupCommandArgs,
  selected?: vscode.Uri[],
): Promise<MockupOutcome | undefined> {
  const args: MockupCommandArgs = clicked instanceof vscode.Uri || clicked === undefined ? {} : clicked;
  const uri = clicked instanceof vscode.Uri ? clicked : args.file ? vscode.Uri.file(args.file) : undefined;
  // From the chat panel's title bar: the image attached there, or the conversation's last one.
  const fromChat = !uri && (args.fromChat || chatPanelActive()) ? chatImage() : undefined;
  if (!uri && args.fromChat && !fromChat) {
    void vscode.window.showInformationMessage('Glimpse: attach or paste a mockup in the chat first, then run Generate Code from Mockup again.');
    return undefined;
  }
  const files = uri || fromChat ? undefined : await imagesFromContext(undefined, selected, { openLabel: 'Generate Code', title: 'Glimpse: choose a UI mockup or screenshot', many: false });
  const file: vscode.Uri | ImageInput | undefined = uri ?? fromChat ?? files?.[0];
  if (!file) return undefined;
  const target = args.target ?? await pickTarget(state);
  if (!target) return undefined;
  await state.update(lastTargetKey, target);
  const instructions = args.instructions ?? await askInstructions();
  if (instructions === undefined) return undefined;
  const options: MockupOptions = { target, instructions, twoStep: args.twoStep, score: args.score };
  return controller.generate(file, options);
}

async function pickTarget(state: vscode.Memento): Promise<MockupTargetId | undefined> {
  const last = state.get<string>(lastTargetKey);
  const ordered = [...MOCKUP_TARGETS].sort((a, b) => Number(b.id === last) - Number(a.id === last));
  const picked = await vscode.window.showQuickPick(
    ordered.map((target) => ({
      label: target.label,
      description: target.id === last ? 'last used' : undefined,
      detail: target.preview === 'none' ? `${target.description} (no live preview yet)` : target.description,
      id: target.id,
    })),
    { title: 'Glimpse: generate code for…', placeHolder: 'Choose the framework of the generated code' },
  );
  return picked && isMockupTargetId(picked.id) ? picked.id : undefined;
}

/** Extra instructions; empty is fine, Escape cancels the whole command. */
function askInstructions(): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Glimpse: extra instructions (optional)',
    prompt: 'Press Enter to start. For example: "dark theme", "use CSS grid", "mobile first".',
    placeHolder: 'Nothing extra',
  });
}

function chatPanelActive(): boolean {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputWebview && input.viewType.endsWith('glimpse.chat');
}
