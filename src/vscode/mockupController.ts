// Generate Code from Mockup in the editor: the core's flow (core/mockup/runMockup.ts) shown as a
// new editor in the target's language that the code streams into, a preview beside it rendering
// the page in a sandboxed iframe, and, when a browser is found, the render scored against the
// mockup. Stopping keeps the partial code, marked as such.

import path from 'node:path';
import * as vscode from 'vscode';
import { asGlimpseError, GlimpseError, type GlimpseErrorCode } from '../core/errors';
import { unixLineEnds } from '../core/mockup/extractCode';
import { runMockup } from '../core/mockup/runMockup';
import { scoreGeneratedCode } from '../core/mockup/scoreCode';
import { incompleteMarker, mockupTarget, type MockupTarget, type MockupTargetId } from '../core/mockup/targets';
import type { ImageInput, PreparedImage } from '../core/images/prepare';
import { thumbnailDataUri } from '../core/images/thumbnail';
import { readConfig } from './config';
import type { EngineHost } from './engineHost';
import type { Log } from './log';
import { MockupPreview } from './mockupPreview';
import { StreamingDocument } from './streamingDocument';
import { runCodeAction } from './codeActions';
import { showErrorWithActions } from './errorActions';
import { editorErrorText, withSettingNames } from './settingNames';

export interface MockupOptions {
  readonly target: MockupTargetId;
  readonly instructions?: string;
  /** Default: the glimpse.mockup.twoStep setting. */
  readonly twoStep?: boolean;
  /** Default: the glimpse.mockup.score setting. */
  readonly score?: boolean;
}

export interface MockupScoreView {
  readonly state: 'done' | 'skipped' | 'failed';
  readonly score?: number;
  readonly message?: string;
}

/** What the command resolves with (tests and callers that chain on it). */
export interface MockupOutcome {
  readonly status: 'done' | 'stopped' | 'error';
  readonly code: string;
  readonly inventory?: string;
  readonly document?: vscode.TextDocument;
  readonly languageId?: string;
  /** Where the document's text came from: a fenced block, code without a fence, or the raw answer. */
  readonly source?: 'fence' | 'unfenced' | 'none';
  readonly error?: string;
  readonly errorCode?: GlimpseErrorCode;
  readonly score?: MockupScoreView;
}

export interface MockupProgress {
  readonly phase: 'inventory' | 'code';
  /** Characters of the model's answer so far in this phase, prose included. */
  readonly answerChars: number;
  /** Characters of extracted code so far. */
  readonly codeChars: number;
}

export class MockupController implements vscode.Disposable {
  private current: AbortController | undefined;
  private preview: MockupPreview | undefined;
  private readonly progressEmitter = new vscode.EventEmitter<MockupProgress>();
  /** Fires as the answer streams (tests and the log). */
  readonly onDidProgress = this.progressEmitter.event;
  private readonly generatingEmitter = new vscode.EventEmitter<boolean>();
  /** Fires when a generation starts (true) or ends (false). */
  readonly onDidChangeGenerating = this.generatingEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly engine: EngineHost,
    private readonly log: Log,
  ) {}

  get isGenerating(): boolean {
    return this.current !== undefined;
  }

  stop(): void {
    this.current?.abort();
  }

  /** `source`: an image file, or image bytes (an image attached in the chat panel). */
  async generate(source: vscode.Uri | ImageInput, options: MockupOptions): Promise<MockupOutcome> {
    const input: ImageInput = source instanceof vscode.Uri ? { path: source.fsPath } : source;
    const name = 'path' in input ? path.basename(input.path) : input.label;
    this.stop();
    const controller = new AbortController();
    this.current = controller;
    this.generatingEmitter.fire(true);
    const target = mockupTarget(options.target);
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Glimpse: ${target.label} from ${name}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          progress.report({ message: 'reading the mockup…' });
          return await this.run(input, name, target, options, controller, progress);
        },
      );
    } catch (error) {
      const failure = asGlimpseError(error);
      if (failure.code === 'cancelled') return { status: 'stopped', code: '' };
      this.log.error(`[mockup] ${failure.message}${failure.detail ? `\n${failure.detail}` : ''}`);
      void this.showError(failure);
      return { status: 'error', code: '', error: failure.message, errorCode: failure.code };
    } finally {
      if (this.current === controller) {
        this.current = undefined;
        this.generatingEmitter.fire(false);
      }
    }
  }

  /** The untitled editor the code streams into, and the preview beside it showing the mockup. */
  private async openOutputs(name: string, image: PreparedImage, target: MockupTarget): Promise<{ output: StreamingDocument; preview: MockupPreview }> {
    const languageId = await availableLanguage(target.languageId);
    const document = await vscode.workspace.openTextDocument({ language: languageId, content: '' });
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Active, preview: false });
    this.preview?.dispose();
    const preview = MockupPreview.open(this.extensionUri, this.log, name);
    this.preview = preview;
    preview.onDidDispose(() => {
      if (this.preview === preview) this.preview = undefined;
    });
    const note = image.downscaled ? ` · sent to the model at ${image.width}×${image.height}` : '';
    preview.showMockup({
      dataUri: await thumbnailDataUri(image, 1024),
      width: image.originalWidth,
      height: image.originalHeight,
      label: `${image.label} · ${image.originalWidth}×${image.originalHeight}${note}`,
    });
    return { output: new StreamingDocument(document), preview };
  }

  /**
   * The core's mockup flow (runMockup), shown in the editor and the preview. The outputs open once
   * the engine is ready: if it cannot start, no empty editor or preview is left behind.
   */
  private async run(
    input: ImageInput,
    name: string,
    target: MockupTarget,
    options: MockupOptions,
    controller: AbortController,
    progress: vscode.Progress<{ message?: string }>,
  ): Promise<MockupOutcome> {
    const config = readConfig();
    const events = runMockup(
      this.engine,
      {
        image: input,
        target: target.id,
        twoStep: options.twoStep ?? config.mockup.twoStep,
        instructions: options.instructions,
        limits: { maxFileBytes: config.maxImageBytes },
        maxTokens: config.mockup.maxTokens,
        temperature: config.temperature,
      },
      controller.signal,
    );
    let image: PreparedImage | undefined;
    let session: { output: StreamingDocument; preview: MockupPreview } | undefined;
    let inventory = '';
    let code = '';
    let raw = '';
    let source: MockupOutcome['source'];
    let status: MockupOutcome['status'] = 'done';
    let incomplete: string | undefined;
    let truncated = false;
    let failed: GlimpseError | undefined;
    try {
      for await (const event of events) {
        if (event.type === 'prepared') {
          image = event.image;
          this.log.info(`[mockup] ${image.label}: ${image.originalWidth}×${image.originalHeight} sent as ${image.width}×${image.height}; target ${target.id}`);
          progress.report({ message: 'loading the model…' });
        } else if (event.type === 'engine-ready' && image) {
          session = await this.openOutputs(name, image, target);
        } else if (event.type === 'phase') {
          progress.report({ message: event.phase === 'inventory' ? 'listing the texts and elements it sees…' : 'writing code…' });
          session?.preview.setStatus(event.phase === 'inventory' ? 'Listing the texts and elements in the mockup…' : `Writing ${target.label}…`);
        } else if (event.type === 'inventory-delta') {
          inventory += event.text;
          this.progressEmitter.fire({ phase: 'inventory', answerChars: inventory.length, codeChars: 0 });
        } else if (event.type === 'code-delta') {
          raw += event.text;
          code = event.code;
          this.progressEmitter.fire({ phase: 'code', answerChars: raw.length, codeChars: code.length });
          session?.output.set(code);
          session?.preview.updateCode(code, target, 'streaming');
        } else if (event.type === 'done') {
          code = event.file;
          raw = event.answer;
          inventory = event.inventory ?? inventory;
          source = event.source;
          incomplete = event.incomplete;
          truncated = event.truncated;
          if (event.cancelled) status = 'stopped';
        }
      }
    } catch (error) {
      // Before the outputs opened, the failure is the whole command's (no editor to keep).
      if (!session) throw error;
      const failure = asGlimpseError(error);
      if (failure.code === 'cancelled') status = 'stopped';
      else {
        status = 'error';
        failed = failure;
        this.log.error(`[mockup] ${failure.message}${failure.detail ? `\n${failure.detail}` : ''}`);
      }
      // The code so far, marked: the flow marks what it ends itself; a failure ends it here.
      const why = status === 'stopped' ? 'generation was stopped' : 'generation failed';
      if (code.trim()) code = `${incompleteMarker(target.id, why)}\n${code}`;
      incomplete = why;
    }
    if (!session || !image) throw new GlimpseError('internal', 'The mockup generation ended before the engine was ready.');
    const { output, preview } = session;
    if (inventory) this.log.info(`[mockup] inventory:\n${inventory.trim()}`);
    // No code block in the answer: the answer itself, so nothing the model wrote is hidden.
    if (!code.trim() && raw.trim()) {
      // With LF line ends, as the editor shows it (the model can write a lone CR).
      const answer = unixLineEnds(raw.trimStart());
      code = incomplete ? `${incompleteMarker(target.id, incomplete)}\n${answer}` : answer;
      source = 'none';
    }
    output.set(code);
    await output.settled();
    preview.updateCode(code, target, 'final');
    preview.setStatus(statusLine(status, source, target, failed && editorErrorText(failed), truncated));
    this.followEdits(output, preview, target, image);

    let score: MockupScoreView | undefined;
    if (status === 'done' && (options.score ?? config.mockup.score) && target.preview !== 'none' && code.trim()) {
      progress.report({ message: 'scoring the render against the mockup…' });
      score = await this.score(preview, image, code, target, controller.signal);
    }
    if (failed) void this.showError(failed);
    else void this.offerActions(output.document, status, score);
    return { status, code, inventory: inventory || undefined, document: output.document, languageId: output.document.languageId, source, error: failed?.message, errorCode: failed?.code, score };
  }

  /** After generation, edits to the document update the preview (and a rescore uses the latest text). */
  private followEdits(output: StreamingDocument, preview: MockupPreview, target: MockupTarget, image: PreparedImage): void {
    const subscriptions: vscode.Disposable[] = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === output.document && !output.isApplying) preview.updateCode(event.document.getText(), target, 'edited');
      }),
      preview.onDidRequestRescore(() => {
        void this.score(preview, image, output.document.getText(), target);
      }),
    ];
    // Every preview is disposed (a new generation replaces it, the controller's dispose ends it), and these with it.
    preview.onDidDispose(() => subscriptions.forEach((s) => s.dispose()));
  }

  private async score(preview: MockupPreview, image: PreparedImage, code: string, target: MockupTarget, signal?: AbortSignal): Promise<MockupScoreView> {
    if (target.preview === 'none') return { state: 'skipped', message: `No render for ${target.label}.` };
    preview.showScore({ state: 'running' });
    try {
      const score = await scoreGeneratedCode({
        image, code, target, mediaDirectory: vscode.Uri.joinPath(this.extensionUri, 'media').fsPath, browserPath: readConfig().browserPath, signal,
      });
      if (score.state === 'skipped') {
        const view: MockupScoreView = { state: 'skipped', message: withSettingNames(score.reason, score.optionsToChange) };
        preview.showScore(view);
        return view;
      }
      const { result } = score;
      preview.showScore({
        state: 'done',
        score: result.score,
        ssim: result.ssim,
        colour: result.colour,
        renderDataUri: `data:image/png;base64,${result.renderPng.toString('base64')}`,
      });
      this.log.info(`[mockup] visual score ${result.score.toFixed(3)} (SSIM ${result.ssim.toFixed(3)}, colour ${result.colour.toFixed(3)}) in ${result.ms} ms`);
      return { state: 'done', score: result.score };
    } catch (error) {
      const failure = asGlimpseError(error);
      const view: MockupScoreView = { state: 'failed', message: failure.message };
      preview.showScore(view);
      this.log.warn(`[mockup] scoring failed: ${failure.message}`);
      return view;
    }
  }

  private async offerActions(document: vscode.TextDocument, status: MockupOutcome['status'], score: MockupScoreView | undefined): Promise<void> {
    const scored = score?.state === 'done' && score.score !== undefined ? ` · visual score ${Math.round(score.score * 100)}/100` : '';
    const what = status === 'stopped' ? 'Stopped: the partial code is kept in the editor, marked as incomplete' : `Code generated${scored}`;
    const picked = await vscode.window.showInformationMessage(`Glimpse: ${what}.`, 'Insert into Editor…', 'Save As…');
    if (picked === 'Save As…') {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.saveAs');
    } else if (picked === 'Insert into Editor…') {
      await insertIntoEditor(document);
    }
  }

  private showError(failure: GlimpseError): Promise<unknown> {
    return showErrorWithActions(failure, this.log);
  }


  dispose(): void {
    this.stop();
    this.preview?.dispose();
    this.progressEmitter.dispose();
    this.generatingEmitter.dispose();
  }
}

/** The target's language when VS Code knows it (Vue needs an extension), else a close one. */
async function availableLanguage(languageId: string): Promise<string> {
  const known = await vscode.languages.getLanguages();
  if (known.includes(languageId)) return languageId;
  return languageId === 'vue' ? 'html' : 'plaintext';
}

/** A first line saying the code is incomplete, as a comment in the target's language. */
function statusLine(status: MockupOutcome['status'], source: MockupOutcome['source'], target: MockupTarget, error?: string, truncated = false): string {
  if (truncated && status === 'done') return `The answer reached the token limit (glimpse.mockup.maxTokens): the code is cut off, marked as incomplete.`;
  if (status === 'error') return `Generation failed: ${error ?? 'see the log'}. The partial code is kept.`;
  if (status === 'stopped') return 'Stopped: the partial code is kept, marked as incomplete.';
  if (source === 'none') return `The model's answer had no ${target.label} code block; the editor shows the whole answer.`;
  return `${target.label} generated. Edits in the editor update this preview.`;
}

/** Inserts the generated code at the cursor of an editor the user picks (other than the generated one). */
async function insertIntoEditor(generated: vscode.TextDocument): Promise<void> {
  const editors = vscode.window.visibleTextEditors.filter((editor) => editor.document !== generated && editor.document.uri.scheme !== 'output');
  let editor = editors[0];
  if (editors.length > 1) {
    const picked = await vscode.window.showQuickPick(
      editors.map((e) => ({ label: vscode.workspace.asRelativePath(e.document.uri), editor: e })),
      { title: 'Glimpse: insert the generated code into…' },
    );
    if (!picked) return;
    editor = picked.editor;
  }
  if (!editor) {
    void vscode.window.showInformationMessage('Glimpse: open the file to insert into first, then use Insert into Editor again.');
    return;
  }
  // The chat's Insert at Cursor, into the editor picked here.
  await runCodeAction('insert', generated.getText(), generated.languageId, editor);
}
