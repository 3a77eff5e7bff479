// The composer at the bottom of the panel: the question box, Send, and Stop while an answer is
// being generated. Enter sends, Shift+Enter starts a new line, Escape (anywhere) stops.

import { maxQuestionLength } from '../core/protocol';
import { createElement } from './dom';

export interface ComposerEvents {
  readonly onSend: (text: string) => void;
  readonly onStop: () => void;
  /** Called on every edit, so the draft survives the panel being hidden and shown again. */
  readonly onDraftChange: (draft: string) => void;
}

export class Composer {
  readonly element: HTMLElement;
  private readonly textarea: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private busy = false;

  constructor(private readonly document: Document, private readonly events: ComposerEvents, draft = '') {
    const inputId = 'glimpse-question';
    const label = createElement(document, 'label', { className: 'visually-hidden', text: 'Ask a follow-up question', attributes: { for: inputId } });
    this.textarea = createElement(document, 'textarea', {
      className: 'question-input',
      attributes: { id: inputId, rows: '2', placeholder: 'Ask a follow-up question', maxlength: String(maxQuestionLength) },
    });
    this.textarea.value = draft;
    this.sendButton = createElement(document, 'button', { className: 'primary-button send-button', text: 'Send', attributes: { type: 'button', 'aria-label': 'Send question' } });
    this.stopButton = createElement(document, 'button', { className: 'secondary-button stop-button', text: 'Stop', attributes: { type: 'button', 'aria-label': 'Stop the answer' } });
    this.stopButton.hidden = true;
    this.element = createElement(document, 'form', { className: 'composer', attributes: { 'aria-label': 'Question' } }, [
      label, this.textarea, createElement(document, 'div', { className: 'composer-buttons' }, [this.sendButton, this.stopButton]),
    ]);

    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    this.sendButton.addEventListener('click', () => this.send());
    this.stopButton.addEventListener('click', () => this.events.onStop());
    this.textarea.addEventListener('input', () => this.events.onDraftChange(this.textarea.value));
    this.textarea.addEventListener('keydown', (event) => {
      // isComposing: Enter that confirms an IME composition (Chinese, Japanese, …) does not send.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      }
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.busy) {
        event.preventDefault();
        this.events.onStop();
      }
    });
  }

  setBusy(busy: boolean): void {
    if (busy === this.busy) return;
    const active = this.document.activeElement;
    const focusWasInComposer = active === this.textarea || active === this.sendButton || active === this.stopButton;
    this.busy = busy;
    this.textarea.disabled = busy;
    this.sendButton.hidden = busy;
    this.sendButton.disabled = busy;
    this.stopButton.hidden = !busy;
    // Keep keyboard focus in the composer as the controls swap: on Stop while busy, back in the box after.
    if (focusWasInComposer) (busy ? this.stopButton : this.textarea).focus();
  }

  focus(): void {
    if (!this.busy) this.textarea.focus();
  }

  private send(): void {
    if (this.busy) return;
    const text = this.textarea.value.trim();
    if (!text || text.length > maxQuestionLength) return;
    this.textarea.value = '';
    this.events.onDraftChange('');
    this.events.onSend(text);
  }
}
