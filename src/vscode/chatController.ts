// Drives the chat panel: Explain Image (a new conversation about one or more images), follow-up
// questions, Stop and Retry. Prepares images through the core, streams answers from the engine
// into the panel, and turns every failure into a message with actions, never a lost conversation.

import path from 'node:path';
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { Conversation, imageViewOf, type PendingAnswer } from '../core/chat/conversation';
import { DraftPrefill } from '../core/chat/draftPrefill';
import { explainImage, prepareImages } from '../core/chat/explainImage';
import { requireVision, type EngineDescription } from '../core/engine/chatEngine';
import type { ChatCompletionOptions, ChatStreamEvent } from '../core/openai/openAiClient';
import type { ConversationHistory } from '../core/history/conversationHistory';
import { SUPPORTED_IMAGE_EXTENSIONS } from '../core/images/formats';
import { asGlimpseError, GlimpseError, type GlimpseErrorCode } from '../core/errors';
import { cropPreview, isWholeImage } from '../core/images/crop';
import type { ImageInput, PreparedImage } from '../core/images/prepare';
import { thumbnailDataUri } from '../core/images/thumbnail';
import { maxAttachmentBytes, type AnswerStats, type ErrorAction, type HostMessage, type ImageView, type PendingImageView, type PixelRect, type TurnView, type WebviewMessage } from '../core/protocol';
import type { UserOption } from '../core/userOptions';
import { runCodeAction } from './codeActions';
import { readConfig } from './config';
import { ChatPanel } from './chatPanel';
import type { EngineHost } from './engineHost';
import { runErrorChoice, showErrorWithActions } from './errorActions';
import { panelActionsFor } from './errorChoices';
import type { Log } from './log';
import { editorErrorText } from './settingNames';

/** What a command resolves with: used by tests and by callers that chain on the answer. */
export interface AnswerOutcome {
  readonly status: 'done' | 'stopped' | 'error';
  readonly text: string;
  readonly error?: string;
  readonly errorCode?: GlimpseErrorCode;
  readonly stats?: AnswerStats;
}

/**
 * An image attached for the next question: what is sent and shown, and the original it came from
 * (its displayed size, and the crop of it that is sent, if any), so a crop is always cut from the
 * full-resolution original, and can be changed or undone until the question is sent.
 */
interface PendingImage {
  readonly image: PreparedImage;
  readonly view: PendingImageView;
  readonly source: ImageInput;
  readonly sourceSize: { readonly width: number; readonly height: number };
  readonly crop?: PixelRect;
  /** The crop, cut at full resolution from `source`: what the question (and a mockup) takes. */
  readonly cropped?: ImageInput;
}

/** The sampling of every chat answer, from the settings (which default to the core's explainDefaults). */
function answerOptions(): ChatCompletionOptions {
  const config = readConfig();
  return { maxTokens: config.maxTokens, temperature: config.temperature, cachePrompt: true };
}

export class ChatController implements vscode.Disposable {
  private panel: ChatPanel | undefined;
  private conversation = new Conversation();
  private current: AbortController | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Images attached in the composer for the next question. */
  private readonly pendingImages: PendingImage[] = [];
  /** The latest crop asked for each pending image: an older one that finishes later is dropped. */
  private readonly cropRequests = new Map<string, number>();
  private readonly postEmitter = new vscode.EventEmitter<HostMessage>();
  /** Prefill while typing: the question box's text, evaluated into the engine's cache in pauses. */
  private readonly draftPrefill: DraftPrefill;
  private draftText = '';

  /** Every message sent to the panel (observability for tests and the log). */
  readonly onDidPost = this.postEmitter.event;

  private restoredFromHistory = false;
  private lastTextEditor: vscode.TextEditor | undefined;
  /** The last failure that happened outside an answer (bad image, no model): shown in the panel until the next question. */
  private notice: { level: 'error'; text: string } | undefined;
  /** The settings the last failed answer names: what the panel's Open Settings shows. */
  private failedAnswerOptions: readonly UserOption[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly engine: EngineHost,
    private readonly log: Log,
    private readonly history?: ConversationHistory,
  ) {
    this.lastTextEditor = vscode.window.activeTextEditor;
    this.draftPrefill = new DraftPrefill(engine, {
      onPrefilled: (figures) => this.log.info(`[chat] prefilled the draft: ${figures.evaluatedTokens ?? '?'} tokens evaluated, ${figures.cachedTokens ?? '?'} from the cache, ${Math.round(figures.ms)} ms`),
      onError: (error) => this.log.warn(`[chat] prefill while typing failed (the question will be sent whole): ${asGlimpseError(error).message}`),
    });
    this.disposables.push(vscode.window.onDidChangeActiveTextEditor((editor) => {
      // The panel taking focus makes this undefined: keep the last real editor for "Insert at Cursor".
      if (editor) this.lastTextEditor = editor;
    }));
    this.disposables.push(engine.onDidChangeStatus((event) => {
      this.post({ type: 'engineStatus', status: event.status, detail: event.detail, modelLabel: event.modelLabel });
    }));
  }

  get isAnswering(): boolean {
    return this.current !== undefined;
  }

  /** The conversation as the panel shows it (for tests and restore). */
  get turns(): readonly TurnView[] {
    return this.conversation.turns;
  }

  openPanel(existing?: vscode.WebviewPanel): ChatPanel {
    if (this.panel && !existing) {
      this.panel.reveal();
      return this.panel;
    }
    this.panel?.dispose();
    const panel = new ChatPanel(this.extensionUri, this.log, existing);
    this.panel = panel;
    panel.onDidReceiveMessage((message) => this.onMessage(message));
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
      this.stop();
    });
    // Reads the model's name from its header (cheap, nothing starts) so the panel can show it.
    void this.engine.describe().catch(() => undefined);
    void this.restoreLatestOnce();
    return panel;
  }

  /** After a reload or restart, the panel shows the last conversation again (once per session). */
  private async restoreLatestOnce(): Promise<void> {
    if (this.restoredFromHistory || !this.history || !this.conversation.isEmpty) return;
    this.restoredFromHistory = true;
    const restored = await this.history.restoreLatest().catch(() => undefined);
    if (restored && this.conversation.isEmpty && !this.current) {
      this.conversation = restored.conversation;
      this.sendSnapshot();
    }
  }

  /** Opens a saved conversation in the panel; follow-ups continue it. */
  async openSaved(id: string): Promise<void> {
    if (!this.history) return;
    this.stop();
    const restored = await this.history.restore(id);
    this.draftPrefill.cancel();
    this.restoredFromHistory = true;
    this.conversation = restored.conversation;
    this.openPanel();
    this.sendSnapshot();
    if (restored.missingImages.length > 0) {
      this.post({ type: 'notice', level: 'warning', text: `${restored.missingImages.length} image(s) of this conversation are missing from the history folder; follow-ups will be sent without them.` });
    }
  }

  /**
   * The image "Generate Code from Mockup" takes from the chat: the first image attached for the next
   * question (at its original resolution), else the last image of the conversation.
   */
  mockupSource(): ImageInput | undefined {
    const pending = this.pendingImages[0];
    if (pending) return pending.cropped ?? pending.source;
    const latest = this.conversation.latestImage;
    return latest ? { bytes: latest.data, label: latest.label } : undefined;
  }

  /** Drops the images attached for the next question. */
  clearPendingImages(): void {
    this.pendingImages.splice(0);
    this.pendingImagesChanged();
  }

  /** The panel shows the images attached for the next question, and the draft's prefill follows them. */
  private pendingImagesChanged(): void {
    this.post({ type: 'pendingImages', images: this.pendingImages.map((p) => p.view) });
    this.prefillDraft();
  }

  /** The conversation shown now (its id, for history commands). */
  get conversationId(): string | undefined {
    return this.conversation.isEmpty ? undefined : this.conversation.id;
  }

  /**
   * Explain Image, through the core's flow (core/chat/explainImage.ts): the images are prepared
   * while the engine starts, and a bad image leaves the current conversation alone.
   */
  async explain(files: readonly vscode.Uri[], question?: string): Promise<AnswerOutcome> {
    this.stop();
    this.draftPrefill.cancel();
    const controller = new AbortController();
    this.current = controller;
    try {
      const explanation = await explainImage(
        this.engine,
        { images: files.map((file) => ({ path: file.fsPath })), question, limits: { maxFileBytes: readConfig().maxImageBytes } },
        answerOptions(),
        undefined,
        controller.signal,
      );
      const views = await this.viewsOf(explanation.description, explanation.images);
      this.conversation = new Conversation();
      this.restoredFromHistory = true;
      const { pending } = this.conversation.begin(explanation.images, views, question, undefined, explanation.turns);
      void this.history?.save(this.conversation, this.engine.modelLabel);
      this.openPanel();
      this.sendSnapshot();
      return await this.answer(pending, controller, explanation.events);
    } catch (error) {
      if (this.current === controller) this.current = undefined;
      this.post({ type: 'busy', busy: false });
      const failure = asGlimpseError(error);
      if (failure.code === 'cancelled') return { status: 'stopped', text: '' };
      this.reportOutsideAnswer(failure, files);
      return { status: 'error', text: '', error: editorErrorText(failure), errorCode: failure.code };
    }
  }

  /** A question typed in the panel: a follow-up in the current conversation, with any attached images. */
  async ask(text: string): Promise<AnswerOutcome> {
    if (this.current || this.conversation.isAnswering) return { status: 'error', text: '', error: 'An answer is still streaming.' };
    this.draftPrefill.cancel();
    this.draftText = '';
    const controller = new AbortController();
    this.current = controller;
    const attached = this.pendingImages.splice(0);
    if (attached.length > 0) this.post({ type: 'pendingImages', images: [] });
    const { user, answer, pending } = this.conversation.followUp(text, attached.map((a) => a.image), attached.map(({ view }) => stripId(view)));
    void this.history?.save(this.conversation, this.engine.modelLabel);
    this.post({ type: 'turnAdded', turn: user });
    this.post({ type: 'turnAdded', turn: answer });
    return this.answer(pending, controller);
  }

  /** Adds pasted, dropped or picked images to the next question, prepared as the model will see them. */
  async attach(inputs: readonly ImageInput[]): Promise<void> {
    try {
      const engine = await this.describeForImages();
      const { images, views } = await this.prepareForModel(engine, inputs);
      for (const [index, image] of images.entries()) {
        this.pendingImages.push({ image, view: { ...views[index], id: randomUUID() }, source: inputs[index], sourceSize: { width: image.originalWidth, height: image.originalHeight } });
      }
      this.pendingImagesChanged();
    } catch (error) {
      const failure = asGlimpseError(error);
      this.log.warn(`[chat] attachment refused: ${failure.message}`);
      this.post({ type: 'notice', level: 'error', text: editorErrorText(failure) });
    }
  }

  /** The crop dialog's picture of a pending image's whole original, with its current crop and the model's budget. */
  private async sendCropSource(imageId: string): Promise<void> {
    const pending = this.pendingImages.find((p) => p.view.id === imageId);
    if (!pending) return this.post({ type: 'cropRefused', imageId, text: 'This image is no longer attached for the next question; attach it again to crop it.' });
    try {
      const { imageBudget } = await this.describeForImages();
      const preview = await cropPreview(pending.source, { maxFileBytes: readConfig().maxImageBytes });
      const budget = imageBudget.maxPixels === undefined ? { maxLongSide: imageBudget.maxLongSide } : { maxLongSide: imageBudget.maxLongSide, maxPixels: imageBudget.maxPixels };
      this.post({ type: 'cropSource', imageId, preview: preview.dataUri, width: preview.width, height: preview.height, budget, ...(pending.crop ? { crop: pending.crop } : {}) });
    } catch (error) {
      const failure = asGlimpseError(error);
      this.log.warn(`[chat] crop of ${pending.view.label} refused: ${failure.message}`);
      this.post({ type: 'cropRefused', imageId, text: editorErrorText(failure) });
    }
  }

  /**
   * Replaces a pending image by a crop of its original, cut at full resolution and prepared for
   * the model like any attachment (the whole original undoes a crop). The question takes the
   * cropped image, so the conversation and its history keep the crop.
   */
  async cropPending(imageId: string, rect: PixelRect): Promise<void> {
    const pending = this.pendingImages.find((p) => p.view.id === imageId);
    if (!pending) return this.post({ type: 'cropRefused', imageId, text: 'This image is no longer attached for the next question; attach it again to crop it.' });
    const request = (this.cropRequests.get(imageId) ?? 0) + 1;
    this.cropRequests.set(imageId, request);
    const wanted: PixelRect = { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
    try {
      const engine = await this.describeForImages();
      const whole = isWholeImage(wanted, pending.sourceSize);
      // The crop travels with the input: prepareImage cuts it from the original in one pass, here and for a mockup.
      const input: ImageInput = whole ? pending.source : { ...pending.source, crop: wanted };
      const { images, views } = await this.prepareForModel(engine, [input]);
      const index = this.pendingImages.findIndex((p) => p.view.id === imageId);
      // Sent or removed meanwhile, or a newer crop was asked for.
      if (index < 0 || this.cropRequests.get(imageId) !== request) return;
      this.pendingImages[index] = { ...pending, image: images[0], view: { ...views[0], id: imageId }, crop: whole ? undefined : wanted, cropped: whole ? undefined : input };
      this.pendingImagesChanged();
    } catch (error) {
      const failure = asGlimpseError(error);
      this.log.warn(`[chat] crop of ${pending.view.label} refused: ${failure.message}`);
      if (this.cropRequests.get(imageId) === request) this.post({ type: 'cropRefused', imageId, text: editorErrorText(failure) });
    }
  }

  /** The engine's description, refusing when its model cannot see images (never dropped silently). */
  private async describeForImages(): Promise<EngineDescription> {
    const engine = await this.engine.describe();
    requireVision(engine);
    return engine;
  }

  /** Prepares images once for this engine: the bytes to send and what the panel shows of them. */
  private async prepareForModel(engine: EngineDescription, inputs: readonly ImageInput[], signal?: AbortSignal): Promise<{ images: PreparedImage[]; views: ImageView[] }> {
    const images = await prepareImages(engine, inputs, { maxFileBytes: readConfig().maxImageBytes }, signal);
    return { images, views: await this.viewsOf(engine, images) };
  }

  /** What the panel shows of prepared images: thumbnails, sizes, token counts, warnings. */
  private viewsOf(engine: EngineDescription, images: readonly PreparedImage[]): Promise<ImageView[]> {
    return Promise.all(images.map(async (image) => {
      this.log.info(`[chat] ${image.label}: ${image.originalWidth}×${image.originalHeight} sent as ${image.width}×${image.height} ${image.mimeType}`);
      return imageViewOf(image, await thumbnailDataUri(image), { tokens: engine.imageTokens?.(image.width, image.height), warning: engine.imageNote?.(image) ?? downscaleWarning(image) });
    }));
  }

  async retry(): Promise<AnswerOutcome | undefined> {
    if (this.current) return undefined;
    const again = this.conversation.retry();
    if (!again) return undefined;
    this.draftPrefill.cancel();
    const controller = new AbortController();
    this.current = controller;
    this.sendSnapshot();
    return this.answer(again.pending, controller);
  }

  stop(): void {
    this.current?.abort();
  }

  /** `events`: an answer already asked for (Explain Image); else the pending request is sent now. */
  private async answer(pending: PendingAnswer, controller: AbortController, events?: AsyncIterable<ChatStreamEvent>): Promise<AnswerOutcome> {
    this.notice = undefined;
    const conversation = this.conversation;
    try {
      return await this.streamAnswer(pending, controller, events ?? this.send(pending, controller.signal));
    } finally {
      await this.history?.save(conversation, this.engine.modelLabel);
    }
  }

  /** The pending request, once the engine is ready. */
  private async *send(pending: PendingAnswer, signal: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    await this.engine.ensureReady(signal);
    if (signal.aborted) throw new GlimpseError('cancelled', 'Stopped.');
    yield* this.engine.chat(pending.request, answerOptions(), signal);
  }

  private async streamAnswer(pending: PendingAnswer, controller: AbortController, events: AsyncIterable<ChatStreamEvent>): Promise<AnswerOutcome> {
    const started = Date.now();
    let firstTokenMs: number | undefined;
    let stats: AnswerStats | undefined;
    let text = '';
    this.post({ type: 'busy', busy: true });
    try {
      for await (const event of events) {
        if (event.type === 'delta') {
          firstTokenMs ??= Date.now() - started;
          text += event.text;
          this.conversation.appendAnswer(event.text);
          this.history?.saveStreaming(this.conversation, text);
          this.post({ type: 'answerDelta', turnId: pending.turnId, text: event.text });
        } else {
          stats = {
            promptTokens: event.usage?.promptTokens,
            cachedTokens: event.timings?.cachedTokens ?? event.usage?.cachedTokens,
            generatedTokens: event.usage?.completionTokens,
            tokensPerSecond: event.timings?.predictedPerSecond,
            firstTokenMs,
          };
        }
      }
      this.conversation.endAnswer('done', { stats: clean(stats) });
      this.post({ type: 'answerEnded', turnId: pending.turnId, status: 'done', stats: clean(stats) });
      return { status: 'done', text, stats };
    } catch (error) {
      const failure = asGlimpseError(error);
      if (failure.code === 'cancelled') {
        this.conversation.endAnswer('stopped');
        this.post({ type: 'answerEnded', turnId: pending.turnId, status: 'stopped' });
        return { status: 'stopped', text };
      }
      this.log.error(`[chat] ${failure.message}${failure.detail ? `\n${failure.detail}` : ''}`);
      const actions = panelActionsFor(failure);
      const shown = editorErrorText(failure);
      this.failedAnswerOptions = failure.optionsToChange;
      this.conversation.endAnswer('error', { error: shown, actions });
      this.post({ type: 'answerEnded', turnId: pending.turnId, status: 'error', error: shown, actions });
      return { status: 'error', text, error: shown, errorCode: failure.code };
    } finally {
      if (this.current === controller) this.current = undefined;
      this.post({ type: 'busy', busy: false });
      // A question typed while the answer streamed is prefilled now that the server is free.
      this.prefillDraft();
    }
  }

  private onMessage(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        this.sendSnapshot();
        break;
      case 'ask':
        if (message.text.trim() || this.pendingImages.length > 0) void this.ask(message.text);
        break;
      case 'draft':
        this.updateDraft(message.text);
        break;
      case 'stop':
        this.stop();
        break;
      case 'attachImage': {
        const bytes = Buffer.from(message.dataBase64, 'base64');
        if (bytes.length > maxAttachmentBytes) {
          this.post({ type: 'notice', level: 'error', text: `${message.name} is ${(bytes.length / 2 ** 20).toFixed(1)} MB; the limit for a pasted image is ${maxAttachmentBytes / 2 ** 20} MB. Crop or downscale it first.` });
          break;
        }
        void this.attach([{ bytes, label: message.name || 'pasted image' }]);
        break;
      }
      case 'pickImages':
        void vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Attach', title: 'Glimpse: attach images', filters: { Images: [...SUPPORTED_IMAGE_EXTENSIONS] } })
          .then((files) => files && this.attach(files.map((file) => ({ path: file.fsPath }))));
        break;
      case 'codeAction':
        void runCodeAction(message.action, message.code, message.language, this.lastTextEditor).then(
          (result) => this.post({ type: 'notice', level: 'info', text: result }),
          (error: unknown) => this.post({ type: 'notice', level: 'error', text: editorErrorText(asGlimpseError(error)) }),
        );
        break;
      case 'removeImage': {
        const index = this.pendingImages.findIndex((p) => p.view.id === message.id);
        if (index >= 0) this.pendingImages.splice(index, 1);
        this.pendingImagesChanged();
        break;
      }
      case 'openCrop':
        void this.sendCropSource(message.imageId);
        break;
      case 'cropImage':
        void this.cropPending(message.imageId, message.rect);
        break;
      case 'action':
        void this.runAction(message.action);
        break;
      default:
        break;
    }
  }

  /** The question box changed (the panel says so on every edit). */
  updateDraft(text: string): void {
    this.draftText = text;
    this.prefillDraft();
  }

  /** Resolves when no prefill of the draft is running or waiting (for tests). */
  draftPrefilled(): Promise<void> {
    return this.draftPrefill.settled();
  }

  /**
   * Prefill while typing: what sending the question box now would send (an image attached alone is
   * encoded while the user types). With nothing typed, after an answer, the conversation up to the
   * next question's turn: the server reads the answer as the next request will send it while the
   * user reads it. Never during an answer.
   */
  private prefillDraft(): void {
    // The setting and the backend are EngineHost.prefill's to check, once per pause in typing.
    if (this.current) return this.draftPrefill.update(undefined);
    this.draftPrefill.update(this.conversation.draftTurns(this.draftText, this.pendingImages.map((p) => p.image)));
  }

  /** An action button under a failed answer; Open Settings shows the settings the last failed answer named. */
  async runAction(action: ErrorAction): Promise<void> {
    await runErrorChoice(action, { optionsToChange: this.failedAnswerOptions }, this.log, () => this.retry());
  }

  private post(message: HostMessage): void {
    this.panel?.post(message);
    this.postEmitter.fire(message);
  }

  private sendSnapshot(): void {
    this.post({ type: 'conversation', turns: this.conversation.turns, modelLabel: this.engine.modelLabel });
    this.post({ type: 'busy', busy: this.current !== undefined });
    this.post({ type: 'pendingImages', images: this.pendingImages.map((p) => p.view) });
    if (this.notice) this.post({ type: 'notice', ...this.notice });
  }

  /** A failure before any answer exists (no model, bad image): a notification with actions. */
  private reportOutsideAnswer(failure: GlimpseError, files: readonly vscode.Uri[]): void {
    // In the panel too (opened if needed): a toast is easy to miss, and the conversation stays as it was.
    this.notice = { level: 'error', text: editorErrorText(failure) };
    this.openPanel();
    this.post({ type: 'notice', ...this.notice });
    const about = files.length === 1 ? ` (${path.basename(files[0].fsPath)})` : '';
    this.log.error(`[chat] ${failure.message}${about}${failure.detail ? `\n${failure.detail}` : ''}`);
    void showErrorWithActions(failure, this.log);
  }

  dispose(): void {
    this.stop();
    this.draftPrefill.dispose();
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
    this.postEmitter.dispose();
  }
}

/** Halving a screenshot or more usually makes its small text unreadable for the model. */
export function downscaleWarning(image: PreparedImage): string | undefined {
  const scale = image.width / image.originalWidth;
  if (scale >= 0.5) return undefined;
  return `Sent at ${image.width}×${image.height} from ${image.originalWidth}×${image.originalHeight}: small text may be unreadable. Crop it to the part that matters for a sharper view.`;
}

function stripId(view: PendingImageView): ImageView {
  const { id: _id, ...rest } = view;
  return rest;
}

function clean(stats: AnswerStats | undefined): AnswerStats | undefined {
  if (!stats) return undefined;
  return Object.fromEntries(Object.entries(stats).filter(([, v]) => typeof v === 'number' && Number.isFinite(v))) as AnswerStats;
}
