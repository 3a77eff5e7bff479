// "Look at this image" for an agent in the editor's chat (the glimpse_lookAtImage tool): finds the
// image it names inside the workspace folders (workspaceImage.ts), asks the local model about it
// through the same flow as Explain Image (explainImage.ts: a blind model is refused, the image is
// prepared at the model's budget while the engine starts), and collects the whole answer, since a
// tool returns its text at once rather than streaming it. The adapter only turns the result into
// the tool's text (lookAtImageToolText).

import { throwIfAborted } from '../abort';
import type { ChatEngine } from '../engine/chatEngine';
import { GlimpseError, isCancelled } from '../errors';
import type { ImageLimits, PreparedImage } from '../images/prepare';
import { resolveWorkspaceImage } from '../images/workspaceImage';
import type { ChatCompletionOptions, ChatStreamEvent } from '../openai/openAiClient';
import { explainImage } from './explainImage';

/**
 * Why: an agent reads the answer instead of a person, and acts on what it says; it needs the
 * content (text, controls, errors) more than an interpretation, and it pays for every word.
 */
export const agentDefaultQuestion =
  'Describe concisely what this image shows. Quote any visible text exactly, list the UI elements, and report any errors or warnings you can see.';

export interface LookAtImageRequest {
  /** As the agent wrote it: relative to a workspace folder, absolute, or a file:// URI. */
  readonly path: string;
  readonly question?: string;
  /** The open workspace folders' absolute paths: the only places an image is read from. */
  readonly roots: readonly string[];
  readonly limits?: Partial<ImageLimits>;
}

export interface LookAtImageResult {
  /** The model's answer, as it streamed (possibly partial when `stopped`). */
  readonly answer: string;
  /** The image as the model was sent it. */
  readonly image: PreparedImage;
  /** The image's path inside its workspace folder, with forward slashes. */
  readonly relativePath: string;
  readonly modelLabel: string;
  /** True when the signal aborted after some text had arrived: `answer` is what came until then. */
  readonly stopped: boolean;
}

/** What an aborted signal makes lookAtImage throw before any answer text has arrived. */
const cancelled = 'Glimpse stopped looking at the image.';

/**
 * Refuses a path outside the workspace and a model that cannot see before anything is sent; a
 * bad image rejects as in Explain Image. An abort before any text rejects with 'cancelled'.
 */
export async function lookAtImage(engine: ChatEngine, request: LookAtImageRequest, options: ChatCompletionOptions, signal?: AbortSignal): Promise<LookAtImageResult> {
  throwIfAborted(signal, cancelled);
  const image = await resolveWorkspaceImage(request.path, request.roots);
  const question = request.question?.trim() || agentDefaultQuestion;
  const explanation = await explainImage(engine, { images: [{ path: image.path }], question, limits: request.limits }, options, undefined, signal);
  const { answer, stopped } = await collectAnswer(explanation.events, signal);
  const modelLabel = explanation.description.modelLabel;
  if (!stopped && answer.trim() === '') {
    throw new GlimpseError('engine-request-failed', `${modelLabel} answered nothing about ${image.relative}. Ask again, perhaps with a more specific question; if it keeps happening, restart the engine or pick another model.`);
  }
  return { answer, image: explanation.images[0], relativePath: image.relative, modelLabel, stopped };
}

/**
 * The answer's text, read to its end. Once the signal aborts, reading stops (also from an engine
 * that keeps sending) and the text so far is kept, or 'cancelled' is thrown when there is none.
 */
async function collectAnswer(events: AsyncGenerator<ChatStreamEvent>, signal: AbortSignal | undefined): Promise<{ answer: string; stopped: boolean }> {
  let answer = '';
  try {
    for await (const event of events) {
      if (signal?.aborted) break; // what an engine sends after the abort is not kept
      if (event.type === 'delta') answer += event.text;
    }
  } catch (error) {
    // An engine stopped by the abort, or stopped on its own (a restart), ends with 'cancelled'.
    if (!isCancelled(error) && !signal?.aborted) throw error;
    if (answer.trim() === '') throw isCancelled(error) ? error : new GlimpseError('cancelled', cancelled);
    return { answer, stopped: true };
  }
  if (!signal?.aborted) return { answer, stopped: false };
  if (answer.trim() === '') throw new GlimpseError('cancelled', cancelled);
  return { answer, stopped: true };
}

/**
 * The tool's text: which image, at what size the model saw it and which model looked, then the
 * answer; a stopped answer says so, so the agent does not take it for the whole one.
 */
export function lookAtImageToolText(result: LookAtImageResult): string {
  const { image } = result;
  const seen =
    image.width === image.originalWidth && image.height === image.originalHeight
      ? `seen at its full size, ${image.width}×${image.height}`
      : `seen at ${image.width}×${image.height} of ${image.originalWidth}×${image.originalHeight}`;
  const lines = [`Glimpse looked at ${result.relativePath} (${seen}) with ${result.modelLabel}:`, '', result.answer.trim()];
  if (result.stopped) lines.push('', '(Stopped before the answer was complete: this is the part that had arrived.)');
  return lines.join('\n');
}
