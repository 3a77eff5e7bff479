// The elements for one turn of the conversation: a user turn (image thumbnails with what the
// model was sent, and the question, as text) and an assistant turn (markdown that grows as deltas
// arrive, with a toolbar on each code block, then an end badge, the error with its actions, and
// the answer's stats).

import type { AnswerStats, ErrorAction, ImageView, TurnView } from '../core/protocol';
import { addCodeToolbars } from './codeBlocks';
import type { CodeActionMessage } from './codeBlocks';
import { createElement } from './dom';
import { downscaleCaption, thumbnailFigure, tokenCaption } from './thumbnails';

const actionLabels: Record<ErrorAction, string> = {
  openSettings: 'Open Settings',
  showLog: 'Show Log',
  retry: 'Retry',
  getEngine: 'Get the Engine',
};

/** "212 tokens · 18.4 tok/s · first token 950 ms"; empty when nothing is known. */
export function formatStats(stats: AnswerStats): string {
  const parts: string[] = [];
  if (stats.generatedTokens !== undefined) parts.push(`${stats.generatedTokens} tokens`);
  if (stats.tokensPerSecond !== undefined) parts.push(`${stats.tokensPerSecond.toFixed(1)} tok/s`);
  if (stats.firstTokenMs !== undefined) parts.push(`first token ${Math.round(stats.firstTokenMs)} ms`);
  if (stats.promptTokens !== undefined) {
    const cached = stats.cachedTokens ? `, ${stats.cachedTokens} cached` : '';
    parts.push(`prompt ${stats.promptTokens} tokens${cached}`);
  }
  return parts.join(' · ');
}

/** A user turn's caption: "896×672 sent (from 2688×2016) · 1024 tokens", either part when known. */
export function sentImageCaption(image: ImageView): string | undefined {
  const parts = [downscaleCaption(image), tokenCaption(image)].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

export function createUserTurn(document: Document, turn: TurnView): HTMLElement {
  const element = createElement(document, 'article', { className: 'turn turn-user', attributes: { 'aria-label': 'You' } });
  element.dataset.turnId = turn.id;
  if (turn.images && turn.images.length > 0) {
    element.append(createElement(document, 'div', { className: 'thumbnails' }, turn.images.map((image) => thumbnailFigure(document, image, sentImageCaption(image)))));
  }
  if (turn.text) element.append(createElement(document, 'p', { className: 'question', text: turn.text }));
  return element;
}

export interface AssistantEnd {
  readonly status: 'done' | 'stopped' | 'error';
  readonly error?: string;
  readonly actions?: readonly ErrorAction[];
  readonly stats?: AnswerStats;
}

/** An assistant turn: `append` collects text, `render` (at most once a frame) draws it. */
export class AssistantTurn {
  readonly element: HTMLElement;
  private readonly answer: HTMLElement;
  private readonly footer: HTMLElement;
  private text: string;
  private renderedText: string | undefined;

  constructor(
    private readonly document: Document,
    turn: TurnView,
    private readonly renderMarkdown: (markdown: string) => string,
    private readonly onAction: (action: ErrorAction) => void,
    private readonly onCodeAction: (message: CodeActionMessage) => void,
  ) {
    this.text = turn.text;
    this.answer = createElement(document, 'div', { className: 'answer markdown' });
    this.footer = createElement(document, 'div', { className: 'turn-footer' });
    this.element = createElement(document, 'article', { className: 'turn turn-assistant', attributes: { 'aria-label': 'Answer' } }, [this.answer, this.footer]);
    this.element.dataset.turnId = turn.id;
    if (turn.status === undefined || turn.status === 'streaming') {
      this.setStreaming(true);
      this.render();
    } else {
      this.end({ status: turn.status, error: turn.error, actions: turn.actions, stats: turn.stats });
    }
  }

  get streaming(): boolean {
    return this.element.classList.contains('streaming');
  }

  append(delta: string): void {
    this.text += delta;
  }

  /**
   * Draws the markdown if the text changed since the last draw. Each draw replaces the answer's
   * elements, toolbars included, and adds one toolbar per code block again (also while streaming:
   * a finished block can be copied before the answer ends).
   */
  render(): void {
    if (this.renderedText === this.text) return;
    this.answer.innerHTML = this.renderMarkdown(this.text);
    addCodeToolbars(this.document, this.answer, this.onCodeAction);
    this.renderedText = this.text;
  }

  end(end: AssistantEnd): void {
    this.setStreaming(false);
    this.render();
    this.footer.replaceChildren();
    if (end.status === 'stopped') {
      this.footer.append(createElement(this.document, 'span', { className: 'badge badge-stopped', text: 'Stopped' }));
    } else if (end.status === 'error') {
      this.element.classList.add('failed');
      this.footer.append(createElement(this.document, 'span', { className: 'badge badge-error', text: 'Error' }));
      if (end.error) this.footer.append(createElement(this.document, 'p', { className: 'turn-error', text: end.error }));
    }
    if (end.actions && end.actions.length > 0) {
      const buttons = end.actions.map((action) => {
        const button = createElement(this.document, 'button', { className: 'action-button', text: actionLabels[action], attributes: { type: 'button' } });
        button.addEventListener('click', () => this.onAction(action));
        return button;
      });
      this.footer.append(createElement(this.document, 'div', { className: 'turn-actions' }, buttons));
    }
    const stats = end.stats ? formatStats(end.stats) : '';
    if (stats) this.footer.append(createElement(this.document, 'p', { className: 'turn-stats', text: stats }));
  }

  private setStreaming(streaming: boolean): void {
    this.element.classList.toggle('streaming', streaming);
    // Screen readers wait for the finished answer instead of reading every re-render.
    this.element.setAttribute('aria-busy', String(streaming));
  }
}
