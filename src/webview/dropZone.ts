// Dropping image files onto the panel. VS Code lets a drop reach a webview only while the user
// holds Shift, so while files are dragged over the panel a hint says so (or, with Shift held, that
// letting go attaches them). The hint sits in a polite live region for screen readers. Any drop
// carrying files is taken here, so the webview never navigates to a dropped file.

import type { FileTransfer } from './attachments';
import { carriesFiles } from './attachments';
import { createElement } from './dom';

export const holdShiftHint = 'Hold Shift to drop the image here';
export const releaseHint = 'Drop to attach the image';

/** The drag events' fields this file reads (DragEvent in the browser; tests fake it). */
interface DragLike extends Event {
  readonly dataTransfer?: (FileTransfer & { dropEffect?: string }) | null;
  readonly shiftKey?: boolean;
}

export class DropZone {
  /** Covers the panel (pointer-events: none); holds the hint while files are dragged over it. */
  readonly element: HTMLElement;
  private readonly hint: HTMLElement;
  /** dragenter/dragleave fire for every child crossed: the drag is over the panel while this is > 0. */
  private depth = 0;

  constructor(document: Document, private readonly onDrop: (transfer: FileTransfer) => void) {
    this.hint = createElement(document, 'div', { className: 'drop-hint' });
    this.hint.hidden = true;
    this.element = createElement(document, 'div', { className: 'drop-zone', attributes: { 'aria-live': 'polite' } }, [this.hint]);

    document.addEventListener('dragenter', (event: DragLike) => {
      if (!carriesFiles(event.dataTransfer)) return;
      event.preventDefault();
      this.depth += 1;
      this.show(event);
    });
    document.addEventListener('dragover', (event: DragLike) => {
      if (!carriesFiles(event.dataTransfer)) return;
      // Cancelling dragover is what makes the page a drop target at all.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      this.show(event);
    });
    document.addEventListener('dragleave', (event: DragLike) => {
      if (!carriesFiles(event.dataTransfer)) return;
      this.depth = Math.max(0, this.depth - 1);
      if (this.depth === 0) this.hide();
    });
    document.addEventListener('dragend', () => this.hide());
    document.addEventListener('drop', (event: DragLike) => {
      this.hide();
      if (!carriesFiles(event.dataTransfer) || !event.dataTransfer) return;
      event.preventDefault();
      this.onDrop(event.dataTransfer);
    });
  }

  private show(event: DragLike): void {
    const text = event.shiftKey ? releaseHint : holdShiftHint;
    // Set only on change: dragover fires many times a second, and each change is announced.
    if (this.hint.textContent !== text) this.hint.textContent = text;
    this.hint.hidden = false;
    this.element.classList.add('dragging');
  }

  private hide(): void {
    this.depth = 0;
    this.hint.hidden = true;
    this.hint.textContent = '';
    this.element.classList.remove('dragging');
  }
}
