// The chat panel's view: header (model and engine status), the conversation log and the composer,
// and the ways images come in (paste anywhere in the panel, Shift+drop, the attach button), and
// the crop dialog over it all for a pending image.
// It takes validated HostMessages and posts WebviewMessages through an injected function, and
// builds into an injected document, so unit tests run it in jsdom without a webview.

import { parseHostMessage } from '../core/protocol';
import type { EngineStatus, ErrorAction, HostMessage, TurnView, WebviewMessage } from '../core/protocol';
import { filesIn, ImageIntake } from './attachments';
import { Composer } from './composer';
import { CropDialog } from './crop';
import { createElement } from './dom';
import { DropZone } from './dropZone';
import { renderMarkdown } from './markdown';
import { AssistantTurn, createUserTurn } from './turns';

/** The small state kept across the panel being hidden: never images or answers (the host resends those). */
export interface ViewState {
  readonly draft: string;
}

export interface ViewStateStore {
  getState(): unknown;
  setState(state: ViewState): void;
}

export interface ChatViewOptions {
  readonly document: Document;
  readonly postMessage: (message: WebviewMessage) => void;
  readonly state?: ViewStateStore;
  /** Markdown to sanitized HTML; defaults to markdown.ts in the document's window. */
  readonly renderMarkdown?: (markdown: string) => string;
  /** Runs the callback before the next paint; defaults to requestAnimationFrame. */
  readonly requestFrame?: (callback: () => void) => void;
}

const statusLabels: Record<EngineStatus, string> = {
  idle: 'Idle',
  sleeping: 'Asleep (model unloaded)',
  loading: 'Loading model',
  generating: 'Generating',
  error: 'Engine error',
};

/** How close to the bottom (px) still counts as "at the bottom" for keeping the log pinned there. */
const pinSlack = 24;
/** The protocol's limit on a log message. */
const maxLogLength = 4_000;

export class ChatView {
  /** The panel's element; `mount` puts it into the page. */
  readonly root: HTMLElement;
  private readonly document: Document;
  private readonly post: (message: WebviewMessage) => void;
  private readonly state: ViewStateStore | undefined;
  private readonly renderMarkdown: (markdown: string) => string;
  private readonly requestFrame: (callback: () => void) => void;

  private readonly modelLabel: HTMLElement;
  private readonly statusPill: HTMLElement;
  private readonly statusDetail: HTMLElement;
  private readonly log: HTMLElement;
  private readonly turnList: HTMLElement;
  private readonly emptyState: HTMLElement;
  private readonly composer: Composer;
  private readonly cropDialog: CropDialog;
  /** What the crop dialog covers: made inert while it is open, so focus and screen readers stay in it. */
  private readonly coveredByDialog: HTMLElement[];

  private readonly assistantTurns = new Map<string, AssistantTurn>();
  private readonly pendingRenders = new Set<AssistantTurn>();
  private frameRequested = false;
  private pinnedToBottom = true;

  constructor(options: ChatViewOptions) {
    const document = options.document;
    this.document = document;
    this.post = options.postMessage;
    this.state = options.state;
    this.renderMarkdown = options.renderMarkdown ?? ((markdown) => renderMarkdown(markdown, document.defaultView ?? undefined));
    this.requestFrame = options.requestFrame ?? ((callback) => {
      const window = document.defaultView;
      if (window && typeof window.requestAnimationFrame === 'function') window.requestAnimationFrame(() => callback());
      else setTimeout(callback, 16);
    });

    this.modelLabel = createElement(document, 'span', { className: 'model-label', text: 'Glimpse' });
    this.statusPill = createElement(document, 'span', { className: 'status-pill status-idle', text: statusLabels.idle });
    this.statusDetail = createElement(document, 'span', { className: 'status-detail' });
    const status = createElement(document, 'div', { className: 'engine-status', attributes: { 'aria-live': 'polite', 'aria-atomic': 'true' } }, [
      createElement(document, 'span', { className: 'visually-hidden', text: 'Engine status:' }), this.statusPill, this.statusDetail,
    ]);
    this.emptyState = createElement(document, 'div', { className: 'empty-state' }, [
      createElement(document, 'p', { text: 'Right-click an image in the Explorer and choose Explain Image.' }),
      createElement(document, 'p', { className: 'empty-state-secondary', text: 'The answer appears here; ask follow-up questions below.' }),
    ]);
    this.turnList = createElement(document, 'div', { className: 'turn-list' });
    // tabindex: a scrollable region must be reachable by keyboard to scroll it.
    this.log = createElement(document, 'section', {
      className: 'conversation',
      attributes: { role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0' },
    }, [this.emptyState, this.turnList]);
    this.log.addEventListener('scroll', () => {
      this.pinnedToBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight <= pinSlack;
    });

    this.composer = new Composer(document, {
      onSend: (text) => {
        this.pinnedToBottom = true;
        this.post({ type: 'ask', text });
      },
      onStop: () => this.post({ type: 'stop' }),
      onPickImages: () => this.post({ type: 'pickImages' }),
      onRemoveImage: (id) => this.post({ type: 'removeImage', id }),
      onCropImage: (id) => this.openCrop(id),
      onDraftChange: (draft) => {
        this.state?.setState({ draft });
        this.post({ type: 'draft', text: draft });
      },
    }, readDraft(this.state?.getState()));

    const intake = new ImageIntake(document.defaultView, {
      post: (message) => this.post(message),
      refuse: (text) => this.composer.showNotice('error', text),
    });
    // On the document, so a paste works wherever the focus is; a paste without images stays a
    // normal paste into the question box.
    document.addEventListener('paste', (event: Event) => {
      const taken = intake.take(filesIn((event as ClipboardEvent).clipboardData), false).taken;
      if (taken > 0) event.preventDefault();
    });
    const dropZone = new DropZone(document, (transfer) => intake.take(filesIn(transfer), true));

    this.cropDialog = new CropDialog(document, {
      onApply: (imageId, rect) => {
        this.composer.pendingImages.cropStarted(imageId);
        this.post({ type: 'cropImage', imageId, rect });
      },
      onClosed: (imageId) => {
        for (const element of this.coveredByDialog) element.removeAttribute('inert');
        this.composer.pendingImages.focusCropButton(imageId);
      },
    });

    const header = createElement(document, 'header', { className: 'chat-header' }, [this.modelLabel, status]);
    this.coveredByDialog = [header, this.log, this.composer.element];
    this.root = createElement(document, 'div', { className: 'chat' }, [header, this.log, this.composer.element, dropZone.element, this.cropDialog.element]);
  }

  /** The Crop… button: the dialog opens at once and asks the host for the image's preview. */
  private openCrop(imageId: string): void {
    const image = this.composer.pendingImages.image(imageId);
    if (!image) return;
    this.cropDialog.open(image);
    for (const element of this.coveredByDialog) element.setAttribute('inert', '');
    this.post({ type: 'openCrop', imageId });
  }

  mount(container: HTMLElement): void {
    container.replaceChildren(this.root);
    this.composer.focus();
  }

  /** Validates a message from the host and applies it; an invalid one is dropped and reported. */
  receive(data: unknown): void {
    const parsed = parseHostMessage(data);
    if (!parsed.ok) {
      this.warn(`The chat panel dropped a message from the extension: ${parsed.reason}.`);
      return;
    }
    this.apply(parsed.message);
  }

  apply(message: HostMessage): void {
    switch (message.type) {
      case 'conversation':
        this.modelLabel.textContent = message.modelLabel || 'No model chosen';
        this.modelLabel.title = message.modelLabel;
        this.assistantTurns.clear();
        this.pendingRenders.clear();
        this.turnList.replaceChildren();
        for (const turn of message.turns) this.addTurn(turn);
        this.pinnedToBottom = true;
        break;
      case 'turnAdded':
        if (message.turn.role === 'user') this.pinnedToBottom = true;
        this.addTurn(message.turn);
        break;
      case 'answerDelta': {
        const turn = this.assistantTurns.get(message.turnId);
        if (!turn) {
          this.warn(`The chat panel got text for an answer it does not show (turn ${message.turnId}).`);
          return;
        }
        turn.append(message.text);
        this.pendingRenders.add(turn);
        this.scheduleRender();
        return;
      }
      case 'answerEnded': {
        const turn = this.assistantTurns.get(message.turnId);
        if (!turn) {
          this.warn(`The chat panel got the end of an answer it does not show (turn ${message.turnId}).`);
          return;
        }
        this.pendingRenders.delete(turn);
        turn.end(message);
        break;
      }
      case 'engineStatus':
        this.statusPill.className = `status-pill status-${message.status}`;
        this.statusPill.textContent = statusLabels[message.status];
        this.statusDetail.textContent = message.detail ?? '';
        this.statusDetail.title = message.detail ?? '';
        if (message.modelLabel) {
          this.modelLabel.textContent = message.modelLabel;
          this.modelLabel.title = message.modelLabel;
        }
        return;
      case 'busy':
        this.composer.setBusy(message.busy);
        this.root.classList.toggle('busy', message.busy);
        return;
      case 'pendingImages':
        this.composer.setPendingImages(message.images);
        // The image being cropped was sent or removed meanwhile.
        if (this.cropDialog.isOpen && !message.images.some((image) => image.id === this.cropDialog.imageId)) this.cropDialog.close();
        return;
      case 'cropSource':
        this.cropDialog.showSource(message);
        return;
      case 'cropRefused':
        if (this.cropDialog.imageId === message.imageId) this.cropDialog.close();
        this.composer.pendingImages.cropEnded(message.imageId);
        this.composer.showNotice('error', message.text);
        return;
      case 'notice':
        this.composer.showNotice(message.level, message.text);
        return;
    }
    this.emptyState.hidden = this.turnList.childElementCount > 0;
    this.keepPinned();
  }

  private addTurn(turn: TurnView): void {
    let element: HTMLElement;
    if (turn.role === 'user') {
      element = createUserTurn(this.document, turn);
    } else {
      const assistant = new AssistantTurn(this.document, turn, this.renderMarkdown, (action) => this.onAction(action), (message) => this.post(message));
      this.assistantTurns.set(turn.id, assistant);
      element = assistant.element;
    }
    const existing = Array.from(this.turnList.children).find((child) => (child as HTMLElement).dataset.turnId === turn.id);
    if (existing) existing.replaceWith(element);
    else this.turnList.append(element);
  }

  private onAction(action: ErrorAction): void {
    this.post({ type: 'action', action });
  }

  /** Deltas arrive far more often than frames: draw each changed answer once per frame. */
  private scheduleRender(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    this.requestFrame(() => {
      this.frameRequested = false;
      for (const turn of this.pendingRenders) turn.render();
      this.pendingRenders.clear();
      this.keepPinned();
    });
  }

  /** Follows the newest text unless the user scrolled up to read something. */
  private keepPinned(): void {
    if (this.pinnedToBottom) this.log.scrollTop = this.log.scrollHeight;
  }

  private warn(message: string): void {
    this.post({ type: 'log', level: 'warn', message: message.slice(0, maxLogLength) });
  }
}

function readDraft(state: unknown): string {
  if (typeof state === 'object' && state !== null && typeof (state as { draft?: unknown }).draft === 'string') {
    return (state as { draft: string }).draft;
  }
  return '';
}
