// `glimpse mockup <image> --target html|tailwind|react|vue`: turns a UI mockup or screenshot into
// code with the core's two-step generation. The inventory goes to stderr as it streams; the code
// goes to --out, or to stdout (streamed when stdout is a terminal, written once at the end when it
// is piped, so `glimpse mockup ui.png > page.html` gets exactly the final file).

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ChatEngine, EngineDescription } from '../core/engine/chatEngine';
import type { LlamaServer } from '../core/engine/llamaServer';
import type { ChatCompletionOptions } from '../core/openai/openAiClient';
import { asGlimpseError, GlimpseError } from '../core/errors';
import { prepareImage, type PreparedImage } from '../core/images/prepare';
import { appendedText } from '../core/mockup/extractCode';
import { generateMockupCode, type MockupEvent, type MockupStepStats } from '../core/mockup/generateCode';
import { incompleteMarker, isMockupTargetId, MOCKUP_TARGETS, mockupTarget, type MockupTarget, type MockupTargetId } from '../core/mockup/targets';
import { buildPreviewDocument } from '../core/mockup/previewDocument';
import { loadTailwindRuntime } from '../core/mockup/tailwindRuntime';
import { scoreMockup } from '../core/score/scoreMockup';
import { imageBudgetFor } from '../core/models/imageBudget';
import { estimateImageTokens } from '../core/models/imageTokens';
import { noProjectorMessage } from '../core/models/pairCheck';

/** Room for the image, the inventory and a whole page of code (the explain default, 4096, is not). */
export const mockupDefaultContextSize = 8192;
/** A full page of HTML with its CSS is often 2,000-3,500 tokens. */
export const mockupDefaultMaxTokens = 4096;

export interface MockupCliOptions {
  readonly imagePath: string;
  readonly target: MockupTargetId;
  readonly twoStep: boolean;
  readonly instructions?: string;
  readonly outPath?: string;
  readonly score: boolean;
  /** Browser for --score (else GLIMPSE_BROWSER, then well-known install places). */
  readonly browserPath?: string;
  readonly stats: boolean;
}

/** The flags `glimpse mockup` reads, as node:util parseArgs returns them. */
export interface MockupFlags {
  readonly target?: string;
  readonly 'one-step'?: boolean;
  readonly instructions?: string;
  readonly out?: string;
  readonly score?: boolean;
  readonly browser?: string;
  readonly stats?: boolean;
}

/** Checks the arguments before anything is loaded. */
export function parseMockupArgs(images: readonly string[], flags: MockupFlags): MockupCliOptions {
  if (images.length === 0) throw new GlimpseError('image-missing', 'Name the mockup: glimpse mockup <image> --target html.');
  if (images.length > 1) throw new GlimpseError('invalid-argument', `glimpse mockup reads one image; got ${images.length} (${images.join(', ')}).`);
  const target = flags.target ?? 'html';
  if (!isMockupTargetId(target)) {
    throw new GlimpseError('invalid-argument', `--target must be one of ${MOCKUP_TARGETS.map((t) => t.id).join(', ')}; got "${target}".`);
  }
  return {
    imagePath: images[0],
    target,
    twoStep: !flags['one-step'],
    instructions: flags.instructions?.trim() || undefined,
    outPath: flags.out,
    score: Boolean(flags.score),
    ...(flags.browser ? { browserPath: flags.browser } : {}),
    stats: Boolean(flags.stats),
  };
}

/** The embedded server as a ChatEngine (what the extension's EngineHost does for its own server). */
export function llamaServerEngine(server: LlamaServer): ChatEngine {
  return {
    async describe(): Promise<EngineDescription> {
      const pair = await server.pairInfo();
      const vision = pair.vision;
      return {
        modelLabel: pair.modelName,
        vision: Boolean(vision),
        visionRefusal: vision ? undefined : noProjectorMessage(pair.modelName),
        imageBudget: imageBudgetFor(pair),
        imageTokens: vision ? (width, height) => estimateImageTokens(vision, { width, height }) : undefined,
      };
    },
    async ensureReady(signal) {
      await server.start(signal);
    },
    chat: (turns, options, signal) => server.chat(turns, options, signal),
  };
}

const log = (message: string) => process.stderr.write(`[glimpse] ${message}\n`);

/** Runs the whole command; the exit code: 0 done, 1 no code in the answer, 130 stopped. */
export async function runMockup(server: LlamaServer, options: MockupCliOptions, completion: ChatCompletionOptions, signal: AbortSignal): Promise<number> {
  const target = mockupTarget(options.target);
  const engine = llamaServerEngine(server);
  const description = await engine.describe();
  if (description.vision === false) throw new GlimpseError('model-no-vision', description.visionRefusal ?? `${description.modelLabel} cannot read images.`);

  // Load the model while the image is prepared; both settle before either error is reported.
  const started = Date.now();
  const [ready, prepared] = await Promise.allSettled([
    engine.ensureReady(signal).then(() => log(`engine ready in ${Date.now() - started} ms`)),
    prepareImage({ path: options.imagePath }, description.imageBudget, undefined, signal),
  ]);
  if (prepared.status === 'rejected') throw prepared.reason;
  if (ready.status === 'rejected') throw ready.reason;
  const image = prepared.value;
  log(`${image.label}: ${sizeLine(image, description)}; writing ${target.label}${options.twoStep ? ' after listing what the mockup holds' : ''}`);

  // Stream the code to a terminal; a pipe or --out gets only the final file.
  const streamToStdout = !options.outPath && Boolean(process.stdout.isTTY);
  let printed = '';
  let streamBroken = false;
  let inventory = '';
  let done: Extract<MockupEvent, { type: 'done' }> | undefined;
  const events = generateMockupCode(engine, { image, target: target.id, twoStep: options.twoStep, instructions: options.instructions }, completion, signal);
  for await (const event of events) {
    switch (event.type) {
      case 'phase':
        if (inventory && !inventory.endsWith('\n')) process.stderr.write('\n');
        log(event.phase === 'inventory' ? 'what the mockup holds:' : `${target.label}:`);
        break;
      case 'inventory-delta':
        inventory += event.text;
        process.stderr.write(event.text);
        break;
      case 'code-delta':
        if (streamToStdout && !streamBroken) {
          const more = appendedText(printed, event.code);
          if (more === undefined) {
            // The model began a better block than the one printed: the final code follows in full.
            streamBroken = true;
            log('the answer holds a better code block than the one shown; it is printed in full at the end');
          } else if (more) {
            process.stdout.write(more);
            printed = event.code;
          }
        }
        break;
      case 'done':
        done = event;
        break;
    }
  }
  if (!done) throw new GlimpseError('internal', 'The mockup generation ended without a result.');
  if (options.stats) {
    if (done.stats.inventory) log(`inventory: ${stepLine(done.stats.inventory)}`);
    if (done.stats.code) log(`code: ${stepLine(done.stats.code)}`);
  }

  if (done.source === 'none') {
    if (done.cancelled) {
      log('stopped before any code was written');
      return 130;
    }
    log(`the answer holds no ${target.label} code. The model wrote:`);
    process.stderr.write(`${done.answer.trim()}\n`);
    return 1;
  }

  const why = done.cancelled ? 'generation was stopped' : done.truncated ? 'the answer reached the token limit' : undefined;
  const file = why ? `${incompleteMarker(target.id, why)}\n${done.code}` : done.code;
  if (options.outPath) {
    await writeOut(options.outPath, file);
    log(`wrote ${options.outPath}${why ? ' (incomplete)' : ''}`);
  } else if (!streamToStdout) {
    process.stdout.write(file);
  } else {
    // The final code tidies the ends and may fold a separate CSS block into the page.
    const rest = streamBroken ? undefined : appendedText(printed, done.code);
    if (rest !== undefined) process.stdout.write(rest);
    else if (!streamBroken && printed.trimEnd() === done.code.trimEnd()) {
      if (!printed.endsWith('\n')) process.stdout.write('\n');
    } else {
      if (!streamBroken) log('the final code differs from what was streamed (e.g. CSS from a separate block put into the page); here it is in full:');
      process.stdout.write(`${printed ? '\n' : ''}${done.code}`);
    }
  }

  if (done.truncated) log(`the code is cut off at the --max-tokens limit (${completion.maxTokens ?? 'default'}); run again with a larger --max-tokens (and --ctx).`);
  if (done.cancelled) {
    log('stopped; the code so far is kept and marked as incomplete');
    return 130;
  }
  if (options.score) {
    try {
      await printScore(options, target, image, done.code, signal);
    } catch (error) {
      // The code is written: a score that cannot be made is reported, not a failed run.
      const failure = asGlimpseError(error);
      if (failure.code === 'cancelled') return 130;
      log(`--score failed: ${failure.message}`);
    }
  }
  return 0;
}

/** --score: renders the page headless at the mockup's size and compares it with the mockup. */
async function printScore(options: MockupCliOptions, target: MockupTarget, image: PreparedImage, code: string, signal: AbortSignal): Promise<void> {
  if (target.preview === 'none') {
    log(`--score: ${target.label} has no page to render; skipped`);
    return;
  }
  let runtime: string | undefined;
  if (target.preview === 'tailwind') {
    // dist/cli.js → media/vendor/: the Tailwind browser runtime bundled with Glimpse.
    runtime = await loadTailwindRuntime(path.join(__dirname, '..', 'media'));
    if (runtime === undefined) log('--score: the bundled Tailwind runtime is missing (run `npm run build`); the page is scored unstyled');
  }
  log('scoring: rendering the page in a headless browser…');
  const result = await scoreMockup({
    // What was prepared (any format Glimpse reads; sharp alone cannot read BMP), at the mockup's own size below.
    mockup: image.data,
    designSize: { width: image.originalWidth, height: image.originalHeight },
    html: buildPreviewDocument(code, target.preview, runtime),
    // Without --browser, locateBrowser reads GLIMPSE_BROWSER itself (with a message naming it).
    browserPath: options.browserPath,
    signal,
  });
  if (result.skipped) {
    log(`--score skipped: ${result.reason}`);
    return;
  }
  log(`visual score ${Math.round(result.score * 100)}/100 (SSIM ${result.ssim.toFixed(3)}, colour similarity ${result.colour.toFixed(3)}; rendered ${result.width}×${result.height} in ${result.ms} ms with ${result.browser})`);
  if (options.outPath) {
    const renderPath = `${options.outPath}.render.png`;
    await fs.writeFile(renderPath, result.renderPng);
    log(`the render is in ${renderPath}`);
  }
}

function sizeLine(image: PreparedImage, description: EngineDescription): string {
  const size = image.downscaled ? `${image.originalWidth}×${image.originalHeight} → ${image.width}×${image.height}` : `${image.width}×${image.height}`;
  const tokens = description.imageTokens?.(image.width, image.height);
  return tokens === undefined ? size : `${size} (~${tokens} image tokens)`;
}

function stepLine(step: MockupStepStats): string {
  const t = step.timings;
  const parts = [`${(step.ms / 1000).toFixed(1)} s`];
  if (step.firstTokenMs !== undefined) parts.push(`first token after ${step.firstTokenMs} ms`);
  if (t) parts.push(`prompt ${t.promptTokens} tokens (${t.cachedTokens} cached)`, `${t.predictedTokens} tokens at ${t.predictedPerSecond.toFixed(1)} tok/s`);
  parts.push(`finish: ${step.finishReason}`);
  return parts.join('; ');
}

async function writeOut(outPath: string, text: string): Promise<void> {
  try {
    await fs.writeFile(outPath, text, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GlimpseError('invalid-argument', `Could not write ${outPath}: ${reason}. Check that its folder exists and can be written.`);
  }
}
