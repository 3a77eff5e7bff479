// Which image(s) a command works on: the clicked Explorer file (or the whole multi-selection it is
// part of), else the image shown in VS Code's built-in image preview, else a file picker.

import * as vscode from 'vscode';
import { SUPPORTED_IMAGE_EXTENSIONS } from '../core/images/formats';

export interface PickerText {
  readonly openLabel: string;
  readonly title: string;
  readonly many: boolean;
}

export async function imagesFromContext(clicked: vscode.Uri | undefined, selected: vscode.Uri[] | undefined, picker: PickerText): Promise<vscode.Uri[] | undefined> {
  if (clicked instanceof vscode.Uri) {
    const many = picker.many && Array.isArray(selected) && selected.length > 1 && selected.some((uri) => uri.toString() === clicked.toString());
    return many ? selected : [clicked];
  }
  const active = activeImagePreview();
  if (active) return [active];
  return vscode.window.showOpenDialog({
    canSelectMany: picker.many,
    openLabel: picker.openLabel,
    title: picker.title,
    filters: { Images: [...SUPPORTED_IMAGE_EXTENSIONS] },
  });
}

/** The file shown in VS Code's built-in image preview, when that is the active editor. */
function activeImagePreview(): vscode.Uri | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  const input = tab?.input;
  if (input instanceof vscode.TabInputCustom && input.viewType === 'imagePreview.previewEditor') return input.uri;
  return undefined;
}
