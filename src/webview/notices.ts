// The notice above the composer: a message about the panel's input that is not part of the
// conversation (an attachment refused, a file that could not be read). One at a time, each replaces
// the last; a status for info and warnings, an alert for errors; the user can dismiss it.

import { createElement } from './dom';

export type NoticeLevel = 'info' | 'warning' | 'error';

export class NoticeArea {
  readonly element: HTMLElement;

  constructor(private readonly document: Document, private readonly onDismissed: () => void) {
    this.element = createElement(document, 'div', { className: 'notice-area' });
  }

  show(level: NoticeLevel, text: string): void {
    const dismiss = createElement(this.document, 'button', {
      className: 'icon-button notice-dismiss', text: '×', attributes: { type: 'button', 'aria-label': 'Dismiss notice', title: 'Dismiss' },
    });
    dismiss.addEventListener('click', () => {
      this.clear();
      this.onDismissed();
    });
    const notice = createElement(this.document, 'div', { className: `notice notice-${level}`, attributes: { role: level === 'error' ? 'alert' : 'status' } }, [
      createElement(this.document, 'span', { className: 'notice-text', text }), dismiss,
    ]);
    this.element.replaceChildren(notice);
  }

  clear(): void {
    this.element.replaceChildren();
  }
}
