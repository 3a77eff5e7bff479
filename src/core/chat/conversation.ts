// One conversation about images: what the model is sent (ChatTurns, the image prefix kept
// byte-identical across follow-ups so the server's prompt cache can reuse it) and what the panel
// shows (TurnViews). Knows nothing of VS Code or of the engine; the controller drives it.

import { randomUUID } from 'node:crypto';
import type { PreparedImage } from '../images/prepare';
import type { AnswerStats, ErrorAction, ImageView, TurnView } from '../protocol';
import { explainImageTurns, explainSystemPrompt, type ImageKind } from './prompts';
import type { ChatTurn } from '../openai/turn';

export interface PendingAnswer {
  readonly turnId: string;
  /** The turns to send for this answer. */
  readonly request: readonly ChatTurn[];
}

export class Conversation {
  private readonly sent: ChatTurn[] = [];
  private readonly views: TurnView[] = [];
  private pending: { turnId: string; text: string } | undefined;

  /** A stable id (for the history store) and when the conversation began. */
  constructor(
    readonly id: string = randomUUID(),
    readonly createdAt: Date = new Date(),
  ) {}

  /** The last image sent in this conversation (what "Generate Code from Mockup" in the chat uses). */
  get latestImage(): PreparedImage | undefined {
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const images = this.sent[i].images;
      if (images && images.length > 0) return images[images.length - 1];
    }
    return undefined;
  }

  /** A conversation saved earlier: the views as shown, the turns exactly as they were sent. */
  static restore(id: string, createdAt: Date, views: readonly TurnView[], sent: readonly ChatTurn[]): Conversation {
    const conversation = new Conversation(id, createdAt);
    conversation.views.push(...views);
    conversation.sent.push(...sent);
    return conversation;
  }

  /** What the model has been sent so far (for saving; the streaming answer is not in it yet). */
  get sentTurns(): readonly ChatTurn[] {
    return this.sent;
  }

  get isEmpty(): boolean {
    return this.views.length === 0;
  }

  get turns(): readonly TurnView[] {
    return this.views.map((view) => (this.pending?.turnId === view.id ? { ...view, text: this.pending.text } : view));
  }

  get isAnswering(): boolean {
    return this.pending !== undefined;
  }

  /**
   * The first question, about the given images (views: what the panel shows of each). `turns`: the
   * request already sent for it (core explainImage), else the explain turns made here.
   */
  begin(
    images: readonly PreparedImage[],
    views: readonly ImageView[],
    question?: string,
    kind?: ImageKind,
    turns: readonly ChatTurn[] = explainImageTurns({ images, question, kind }),
  ): { user: TurnView; answer: TurnView; pending: PendingAnswer } {
    if (this.sent.length > 0) throw new Error('This conversation has already begun.');
    this.sent.push(...turns);
    const user: TurnView = { id: randomUUID(), role: 'user', text: question?.trim() || defaultQuestion(images.length), images: [...views] };
    this.views.push(user);
    return { user, ...this.openAnswer() };
  }

  /**
   * A follow-up question, optionally with more images: appends to the sent turns without touching
   * the earlier ones. The first question of a conversation that has none yet begins it.
   */
  followUp(question: string, images: readonly PreparedImage[] = [], views: readonly ImageView[] = []): { user: TurnView; answer: TurnView; pending: PendingAnswer } {
    if (this.pending) throw new Error('An answer is still streaming.');
    if (this.sent.length === 0 && images.length > 0) return this.begin(images, views, question || undefined);
    const text = question.trim() || defaultQuestion(images.length);
    this.sent.push(...this.questionTurns(question, images));
    const user: TurnView = images.length > 0 ? { id: randomUUID(), role: 'user', text, images: [...views] } : { id: randomUUID(), role: 'user', text };
    this.views.push(user);
    return { user, ...this.openAnswer() };
  }

  /**
   * What sending this draft now would send (for prefill while typing: the server evaluates it
   * ahead), byte for byte the request `followUp` makes; undefined while an answer streams.
   */
  draftTurns(question: string, images: readonly PreparedImage[] = []): readonly ChatTurn[] | undefined {
    if (this.pending) return undefined;
    // Nothing typed yet after an answer: the conversation as the next question will send it, up to
    // the opening of that question's turn (an empty user turn, never a question nobody asked).
    if (!question.trim() && images.length === 0) return this.sent.length > 0 ? [...this.sent, { role: 'user', text: '' }] : undefined;
    return [...this.sent, ...this.questionTurns(question, images)];
  }

  /** The turns a question adds: a first question about images gets the explain prompts. */
  private questionTurns(question: string, images: readonly PreparedImage[]): ChatTurn[] {
    if (this.sent.length === 0 && images.length > 0) return explainImageTurns({ images, question: question || undefined });
    const text = question.trim() || defaultQuestion(images.length);
    const system: ChatTurn[] = this.sent.length === 0 ? [{ role: 'system', text: explainSystemPrompt }] : [];
    return [...system, images.length > 0 ? { role: 'user', text, images } : { role: 'user', text }];
  }

  /** Asks the last question again (after an error or a stop): the failed answer is replaced. */
  retry(): { answer: TurnView; pending: PendingAnswer } | undefined {
    if (this.pending) return undefined;
    const last = this.views.at(-1);
    if (last?.role !== 'assistant') return undefined;
    this.views.pop();
    if (this.sent.at(-1)?.role === 'assistant') this.sent.pop();
    return this.openAnswer();
  }

  appendAnswer(text: string): void {
    if (this.pending) this.pending.text += text;
  }

  /**
   * Ends the streaming answer. A completed answer joins the sent turns (for follow-ups); a stopped
   * or failed one is kept in the view (marked) with the text it had, but a follow-up then sends
   * the partial text too, so the model sees what the user saw.
   */
  endAnswer(status: 'done' | 'stopped' | 'error', details: { error?: string; actions?: readonly ErrorAction[]; stats?: AnswerStats } = {}): TurnView | undefined {
    const pending = this.pending;
    if (!pending) return undefined;
    this.pending = undefined;
    const index = this.views.findIndex((view) => view.id === pending.turnId);
    const ended: TurnView = { ...this.views[index], text: pending.text, status, ...definedOnly(details) };
    this.views[index] = ended;
    if (pending.text.length > 0 || status === 'done') this.sent.push({ role: 'assistant', text: pending.text });
    return ended;
  }

  private openAnswer(): { answer: TurnView; pending: PendingAnswer } {
    const answer: TurnView = { id: randomUUID(), role: 'assistant', text: '', status: 'streaming' };
    this.views.push(answer);
    this.pending = { turnId: answer.id, text: '' };
    return { answer, pending: { turnId: answer.id, request: [...this.sent] } };
  }
}

/** The panel's view of a prepared image: its thumbnail, sizes, token count and any warning. */
export function imageViewOf(image: PreparedImage, thumbnail: string, extra: { tokens?: number; warning?: string } = {}): ImageView {
  return {
    label: image.label,
    thumbnail,
    width: image.width,
    height: image.height,
    originalWidth: image.originalWidth,
    originalHeight: image.originalHeight,
    ...definedOnly(extra),
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function defaultQuestion(imageCount: number): string {
  return imageCount === 1 ? 'Explain this image.' : `Explain these ${imageCount} images.`;
}
