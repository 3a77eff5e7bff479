// The glimpse_lookAtImage tool (contributes.languageModelTools): gives any agent in VS Code's chat,
// a text-only one too, eyes on a workspace image through the local model. The flow is core's
// (core/chat/lookAtImage.ts: a path inside the workspace folders only, the panel's image
// preparation and engine); this adapter asks first in an untrusted workspace, turns VS Code's
// cancellation into an abort, and returns the answer as text (and the image as the model saw it,
// when the caller asks for it).

import * as vscode from 'vscode';
import { lookAtImage, lookAtImageToolText } from '../core/chat/lookAtImage';
import { asGlimpseError } from '../core/errors';
import { readConfig } from './config';
import type { EngineHost } from './engineHost';
import type { Log } from './log';
import { editorErrorText } from './settingNames';

export const lookAtImageToolName = 'glimpse_lookAtImage';

export interface LookAtImageInput {
  readonly path: string;
  readonly question?: string;
  readonly includeImage?: boolean;
}

export class LookAtImageTool implements vscode.LanguageModelTool<LookAtImageInput> {
  constructor(
    private readonly engine: () => EngineHost,
    private readonly log: Log,
    /** Whether the workspace is trusted (tests pass their own answer). */
    private readonly isTrusted: () => boolean = () => vscode.workspace.isTrusted,
  ) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<LookAtImageInput>): vscode.PreparedToolInvocation {
    const target = typeof options.input?.path === 'string' ? options.input.path : 'an image';
    const invocationMessage = `Looking at ${target} with Glimpse's local model`;
    if (this.isTrusted()) return { invocationMessage };
    return {
      invocationMessage,
      confirmationMessages: {
        title: 'Look at an image with Glimpse?',
        message: new vscode.MarkdownString(
          `This workspace is not trusted. Glimpse will read \`${target}\` and run its model on it; nothing leaves this machine unless glimpse.backend is remote.`,
        ),
      },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<LookAtImageInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const input = checkedInput(options.input);
    const settings = readConfig();
    const roots = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    this.log.info(`[tool] ${lookAtImageToolName}: ${input.path}${input.question ? ` (asked: ${input.question})` : ''}`);
    try {
      const result = await lookAtImage(
        this.engine(),
        { path: input.path, question: input.question, roots, limits: { maxFileBytes: settings.maxImageBytes } },
        { maxTokens: settings.maxTokens, temperature: settings.temperature },
        controller.signal,
      );
      const parts: Array<vscode.LanguageModelTextPart | vscode.LanguageModelDataPart> = [new vscode.LanguageModelTextPart(lookAtImageToolText(result))];
      if (input.includeImage) parts.push(vscode.LanguageModelDataPart.image(result.image.data, result.image.mimeType));
      return new vscode.LanguageModelToolResult(parts);
    } catch (error) {
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      const failure = asGlimpseError(error);
      this.log.warn(`[tool] ${lookAtImageToolName}: ${failure.message}`);
      // The message reaches the calling model (and the user), which can then correct the path.
      throw new Error(editorErrorText(failure));
    } finally {
      cancel.dispose();
    }
  }
}

function checkedInput(input: unknown): LookAtImageInput {
  const value = (input ?? {}) as Record<string, unknown>;
  if (typeof value.path !== 'string' || !value.path.trim()) throw new Error('glimpse_lookAtImage needs "path": the image file, relative to a workspace folder.');
  return {
    path: value.path.trim(),
    question: typeof value.question === 'string' && value.question.trim() ? value.question.trim() : undefined,
    includeImage: value.includeImage === true,
  };
}
