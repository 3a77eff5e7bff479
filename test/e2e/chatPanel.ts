// Chat-panel steps shared by the end-to-end tests: open the panel, paste a file into it.

import type { FrameLocator } from 'playwright-core';
import type { Workbench } from './harness';

/** Opens the chat panel from the command palette (openWorkbench waited for activation); resolves with the panel's frame. */
export async function openChat(workbench: Workbench): Promise<FrameLocator> {
  await workbench.runCommand('Glimpse: Open Chat');
  const panel = workbench.webviewFrame();
  await panel.locator('.question-input').waitFor({ state: 'visible', timeout: 60_000 });
  return panel;
}

/** Dispatches a paste of one file into the panel's document, built inside the page (as the clipboard delivers it). */
export async function pasteFile(panel: FrameLocator, file: { name: string; type: string; base64?: string; zeroBytes?: number }): Promise<void> {
  await panel.locator('body').evaluate((body, f) => {
    const bytes = f.base64 ? Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)) : new Uint8Array(f.zeroBytes ?? 0);
    const data = new DataTransfer();
    data.items.add(new File([bytes], f.name, { type: f.type }));
    body.ownerDocument.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, file);
}
