// `glimpse mockup <image> --target html|tailwind|react|vue`: turns a UI mockup or screenshot into
// code with the core's two-step generation. The inventory goes to stderr as it streams; the code
// goes to --out, or to stdout (streamed when stdout is a terminal, written once at the end when it
// is piped, so `glimpse mockup ui.png > page.html` gets exactly the final file).

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ChatEngine } from '../core/engine/chatEngine';
import { asGlimpseError, GlimpseError } from '../core/errors';
import type { PreparedImage } from '../core/images/prepare';
import { appendedText } from '../core/mockup/extractCode';
import type { MockupStepStats } from '../core/mockup/generateCode';
import { mockupCompletionOptions, runMockup, type RunMockupEvent, type RunMockupRequest } from '../core/mockup/runMockup';
import { scoreGeneratedCode } from '../core/mockup/scoreCode';
import { withFlagNames } from './optionFlags';
import { imageLine } from './imageLine';
import { isMockupTargetId, MOCKUP_TARGETS, mockupTarget, type MockupTarget, type MockupTargetId } from '../core/mockup/targets';

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

const log = (message: string) => process.stderr.write(`[glimpse] ${message}\n`);

/** The core request for these options: the flow's defaults fill what the command line leaves out. */
export function mockupRequest(options: MockupCliOptions, sampling: Pick<RunMockupRequest, 'maxTokens' | 'temperature' | 'seed'>): RunMockupRequest {
  return { image: { path: options.imagePath }, target: options.target, twoStep: options.twoStep, instructions: options.instructions, ...sampling };
}

/** Runs the whole command; the exit code: 0 done, 1 no code in the answer, 130 stopped. */
export async function runMockupCommand(engine: ChatEngine, options: MockupCliOptions, sampling: Pick<RunMockupRequest, 'maxTokens' | 'temperature' | 'seed'>, signal: AbortSignal): Promise<number> {
  const target = mockupTarget(options.target);
  let image: PreparedImage | undefined;
  // Stream the code to a terminal; a pipe or --out gets only the final file.
  const streamToStdout = !options.outPath && Boolean(process.stdout.isTTY);
  let printed = '';
  let streamBroken = false;
  let inventory = '';
  let done: Extract<RunMockupEvent, { type: 'done' }> | undefined;
  for await (const event of runMockup(engine, mockupRequest(options, sampling), signal)) {
    switch (event.type) {
      case 'prepared':
        image = event.image;
        log(`${imageLine(image, event.description)}; writing ${target.label}${options.twoStep ? ' after listing what the mockup holds' : ''}`);
        break;
      case 'engine-ready':
        log(`engine ready in ${event.ms} ms`);
        break;
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
  if (!done || !image) throw new GlimpseError('internal', 'The mockup generation ended without a result.');
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

  if (options.outPath) {
    await writeOut(options.outPath, done.file);
    log(`wrote ${options.outPath}${done.incomplete ? ' (incomplete)' : ''}`);
  } else if (!streamToStdout) {
    process.stdout.write(done.file);
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

  if (done.truncated) log(`the code is cut off at the --max-tokens limit (${mockupCompletionOptions(sampling).maxTokens}); run again with a larger --max-tokens (and --ctx).`);
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
  if (target.preview !== 'none') log('scoring: rendering the page in a headless browser…');
  // dist/cli.js → media/: the Tailwind browser runtime bundled with Glimpse. Without --browser,
  // locateBrowser reads GLIMPSE_BROWSER itself (with a message naming it).
  const score = await scoreGeneratedCode({ image, code, target, mediaDirectory: path.join(__dirname, '..', 'media'), browserPath: options.browserPath, signal });
  if (score.state === 'skipped') {
    log(`--score skipped: ${withFlagNames(score.reason, score.optionsToChange)}`);
    return;
  }
  const { result } = score;
  if (score.unstyled) log('--score: the bundled Tailwind runtime is missing (run `npm run build`); the page was scored unstyled');
  log(`visual score ${Math.round(result.score * 100)}/100 (SSIM ${result.ssim.toFixed(3)}, colour similarity ${result.colour.toFixed(3)}; rendered ${result.width}×${result.height} in ${result.ms} ms with ${result.browser})`);
  if (options.outPath) {
    const renderPath = `${options.outPath}.render.png`;
    await fs.writeFile(renderPath, result.renderPng);
    log(`the render is in ${renderPath}`);
  }
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
