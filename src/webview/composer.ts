// The composer at the bottom of the panel: the notice line, the images attached for the next
// question, the attach button, the question box, Send, and Stop while an answer is being
// generated. Enter sends, Shift+Enter starts a new line, Escape (anywhere) stops. A question may
// be only images: Send is enabled when there is text or an attached image.

import { maxQuestionLength } from '../core/protocol';
import type { PendingImageView } from '../core/protocol';
import { createElement } from './dom';
import { NoticeArea } from './notices';
import type { NoticeLevel } from './notices';
import { PendingImageStrip } from './pendingImages';

export interface ComposerEvents {
  /** The question, trimmed; '' when the user sends attached images without text. */
  readonly onSend: (text: string) => void;
  readonly onStop: () => void;
  /** The attach button: the host opens a file picker. */
  readonly onPickImages: () => void;
  readonly onRemoveImage: (id: string) => void;
  /** The Crop… button of an attached image. */
  readonly onCropImage: (id: string) => void;
  /** Called on every edit, so the draft survives the panel being hidden and shown again. */
  readonly onDraftChange: (draft: string) => void;
}

export class Composer {
  readonly element: HTMLElement;
  private readonly textarea: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly attachButton: HTMLButtonElement;
  private readonly notices: NoticeArea;
  /** The images attached for the next question (the crop dialog marks and focuses them). */
  readonly pendingImages: PendingImageStrip;
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
    this.attachButton = createElement(document, 'button', {
      className: 'secondary-button attach-button', text: '+',
      attributes: { type: 'button', 'aria-label': 'Attach image', title: 'Attach image (or paste one, or drop one while holding Shift)' },
    });
    this.notices = new NoticeArea(document, () => this.focus());
    this.pendingImages = new PendingImageStrip(document, (id) => this.events.onRemoveImage(id), () => this.focus(), (id) => this.events.onCropImage(id));
    this.element = createElement(document, 'form', { className: 'composer', attributes: { 'aria-label': 'Question' } }, [
      this.notices.element,
      this.pendingImages.element,
      createElement(document, 'div', { className: 'composer-row' }, [
        this.attachButton, label, this.textarea, createElement(document, 'div', { className: 'composer-buttons' }, [this.sendButton, this.stopButton]),
      ]),
    ]);
    this.updateSendButton();

    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    this.sendButton.addEventListener('click', () => this.send());
    this.stopButton.addEventListener('click', () => this.events.onStop());
    this.attachButton.addEventListener('click', () => this.events.onPickImages());
    this.textarea.addEventListener('input', () => {
      this.updateSendButton();
      this.events.onDraftChange(this.textarea.value);
    });
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
    this.stopButton.hidden = !busy;
    this.updateSendButton();
    // Keep keyboard focus in the composer as the controls swap: on Stop while busy, back in the box after.
    if (focusWasInComposer) (busy ? this.stopButton : this.textarea).focus();
  }

  focus(): void {
    if (!this.busy) this.textarea.focus();
  }

  /** The host's list of images for the next question (empty after a question took them). */
  setPendingImages(images: readonly PendingImageView[]): void {
    this.pendingImages.render(images);
    this.updateSendButton();
  }

  /** Shows a notice above the composer, replacing the previous one. */
  showNotice(level: NoticeLevel, text: string): void {
    this.notices.show(level, text);
  }

  private canSend(): boolean {
    const text = this.textarea.value.trim();
    return !this.busy && text.length <= maxQuestionLength && (text.length > 0 || this.pendingImages.size > 0);
  }

  private updateSendButton(): void {
    this.sendButton.disabled = !this.canSend();
  }

  private send(): void {
    if (!this.canSend()) return;
    const text = this.textarea.value.trim();
    // Send is about to be disabled (empty box): keep the keyboard in the composer.
    if (this.document.activeElement === this.sendButton) this.textarea.focus();
    this.textarea.value = '';
    this.notices.clear();
    this.updateSendButton();
    this.events.onDraftChange('');
    this.events.onSend(text);
  }
}
