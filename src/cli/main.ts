#!/usr/bin/env node
// The `glimpse` command line, over the same core as the extension:
//   glimpse explain <image…> [--question Q] [--kind K] [--model M --mmproj P] …   streams an answer
//   glimpse mockup <image> [--target T] [--one-step] [--out F] [--model M …]       writes code from a mockup
//   glimpse doctor [--model M --mmproj P] [--server S]                          checks the setup
// Model paths come from the flags or from GLIMPSE_MODEL / GLIMPSE_MMPROJ; --remote URL talks to a
// team's OpenAI-compatible server instead (its key in GLIMPSE_REMOTE_API_KEY). The flows and their
// defaults are the core's (chat/explainImage.ts, mockup/runMockup.ts), the same as the extension's.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { explainDefaults, explainImage } from '../core/chat/explainImage';
import type { ImageKind } from '../core/chat/prompts';
import type { ChatEngine } from '../core/engine/chatEngine';
import { LocalEngine } from '../core/engine/localEngine';
import { cliProcessRecordDir } from '../core/engine/engineProcessRecord';
import { cliEncodeSpeedFile } from '../core/models/encodeSpeed';
import { defaultFirstTokenBudgetSeconds } from '../core/models/firstTokenBudget';
import { asGlimpseError, GlimpseError, isCancelled } from '../core/errors';
import { bundledCatalogPath, loadCatalog } from '../core/models/catalog';
import { catalogEntryForModel, engineContextSize } from '../core/models/contextSize';
import { RemoteEngine } from '../core/remote/remoteEngine';
import { validateRemoteBaseUrl } from '../core/remote/remoteEndpoint';
import { runDoctor } from './doctor';
import { imageLine } from './imageLine';
import type { EngineDescription } from '../core/engine/chatEngine';
import { mockupDefaults } from '../core/mockup/runMockup';
import { parseMockupArgs, runMockupCommand, type MockupCliOptions } from './mockup';
import { cliErrorText } from './optionFlags';
import { parseGpuLayers } from '../core/engine/gpuLayers';

const usage = `Usage:
  glimpse explain <image> [more images…] [options]   Stream an explanation of the image(s)
  glimpse mockup <image> [options]                   Turn a UI mockup or screenshot into code
  glimpse doctor [options]                           Check the engine, CPU and model pair

Options:
  --model <file>        language model GGUF (or GLIMPSE_MODEL)
  --mmproj <file>       projector GGUF that gives it vision (or GLIMPSE_MMPROJ)
  --server <file>       llama-server binary (default: the built engine, then PATH)
  --remote <url>        use a team's OpenAI-compatible server instead of a local model
                        (its API key in GLIMPSE_REMOTE_API_KEY)
  --remote-model <name> the model to ask on --remote (default: the server's own)
  --question <text>     what to ask (default: explain the image)
  --kind <kind>         auto | screenshot | diagram | ui-mockup | photo
  --target <target>     mockup: html | tailwind | react | vue (default html)
  --one-step            mockup: ask for the code directly, without listing the mockup's texts first
  --instructions <text> mockup: extra instructions, e.g. "dark theme"
  --out <file>          mockup: write the code to this file instead of stdout
  --score               mockup: render the page and score it against the mockup
  --browser <file>      mockup --score: Chromium/Chrome/Edge to render with (or GLIMPSE_BROWSER)
  --threads <n>         CPU threads (default: all cores, up to 4; cores-1 above)
  --ctx <n>             context size in tokens (default: the model's in Glimpse's catalog, else 8192)
  --gpu-layers <n|auto> model layers on the GPU (llama-server -ngl; default auto: the engine
                        decides; needs a Vulkan or CUDA engine build, see 'glimpse doctor')
  --first-token-budget <seconds>
                        how long the first word about an image may take here: fewer image
                        tokens when the full size would take longer (default ${defaultFirstTokenBudgetSeconds}; 0: off)
  --max-tokens <n>      answer length limit (default ${explainDefaults.maxTokens}; mockup ${mockupDefaults.maxTokens})
  --temperature <t>     sampling temperature (default 0.2)
  --seed <n>            sampling seed
  --request-timeout <seconds>
                        longest one answer may take, start to finish (default: no limit)
  --stats               print timings to stderr at the end
  --verbose             print llama-server's log to stderr
`;

const kinds: readonly ImageKind[] = ['auto', 'screenshot', 'diagram', 'ui-mockup', 'photo'];

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      mmproj: { type: 'string' },
      server: { type: 'string' },
      remote: { type: 'string' },
      'remote-model': { type: 'string' },
      question: { type: 'string', short: 'q' },
      kind: { type: 'string' },
      target: { type: 'string' },
      'one-step': { type: 'boolean' },
      instructions: { type: 'string' },
      out: { type: 'string', short: 'o' },
      score: { type: 'boolean' },
      browser: { type: 'string' },
      threads: { type: 'string' },
      'first-token-budget': { type: 'string' },
      ctx: { type: 'string' },
      'gpu-layers': { type: 'string' },
      'max-tokens': { type: 'string' },
      temperature: { type: 'string' },
      seed: { type: 'string' },
      'request-timeout': { type: 'string' },
      stats: { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(usage);
    return command || values.help ? 0 : 2;
  }
  const modelPath = values.model ?? process.env.GLIMPSE_MODEL;
  const mmprojPath = values.mmproj ?? process.env.GLIMPSE_MMPROJ;

  if (command === 'doctor') return runDoctor({ serverPath: values.server, modelPath, mmprojPath });
  if (command !== 'explain' && command !== 'mockup') {
    process.stderr.write(`Unknown command "${command}".\n\n${usage}`);
    return 2;
  }
  const mockup: MockupCliOptions | undefined = command === 'mockup' ? parseMockupArgs(rest, values) : undefined;
  if (rest.length === 0) throw new GlimpseError('image-missing', 'Name the image to explain: glimpse explain <image>.');
  const kind = values.kind as ImageKind | undefined;
  if (kind && !kinds.includes(kind)) throw new GlimpseError('invalid-argument', `--kind must be one of ${kinds.join(', ')}.`);
  const sampling = {
    maxTokens: optionalNumber(values['max-tokens'], '--max-tokens'),
    temperature: optionalNumber(values.temperature, '--temperature'),
    seed: optionalNumber(values.seed, '--seed'),
  };

  const requestTimeoutSeconds = optionalNumber(values['request-timeout'], '--request-timeout') ?? 0;
  if (requestTimeoutSeconds < 0) {
    throw new GlimpseError('invalid-argument', `--request-timeout needs a number of seconds, 0 or more (0: no limit), got "${values['request-timeout']}".`);
  }
  const requestTimeoutMs = requestTimeoutSeconds * 1000;
  const engine = values.remote ? remoteEngine(values.remote, values['remote-model']) : await localEngine(values, modelPath, mmprojPath);
  const asked = withRequestTimeout(engine, requestTimeoutMs);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    if (mockup) return await runMockupCommand(asked, mockup, sampling, controller.signal);
    let description: EngineDescription | undefined;
    const result = await explainImage(
      asked,
      { images: rest.map((image) => ({ path: image })), question: values.question, kind },
      {
        maxTokens: sampling.maxTokens ?? explainDefaults.maxTokens,
        temperature: sampling.temperature ?? explainDefaults.temperature,
        ...(sampling.seed === undefined ? {} : { seed: sampling.seed }),
        cachePrompt: true,
      },
      (phase) => {
        if (phase.phase === 'described') description = phase.description;
        if (phase.phase === 'prepared-images') {
          for (const image of phase.images) process.stderr.write(`[glimpse] ${imageLine(image, description)}\n`);
        }
        if (phase.phase === 'engine-ready') process.stderr.write(`[glimpse] engine ready in ${phase.ms} ms\n`);
      },
      controller.signal,
    );
    for await (const event of result.events) {
      if (event.type === 'delta') process.stdout.write(event.text);
      else {
        process.stdout.write('\n');
        if (values.stats && event.timings) {
          const t = event.timings;
          process.stderr.write(
            `[glimpse] prompt ${t.promptTokens} tokens (${t.cachedTokens} cached) in ${t.promptMs.toFixed(0)} ms; ` +
              `${t.predictedTokens} tokens at ${t.predictedPerSecond.toFixed(1)} tok/s; finish: ${event.finishReason}\n`,
          );
        }
      }
    }
    return 0;
  } catch (error) {
    if (isCancelled(error)) {
      process.stderr.write('\n[glimpse] stopped\n');
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    if (engine instanceof LocalEngine) await engine.dispose();
  }
}

interface EngineFlags {
  readonly server?: string;
  readonly threads?: string;
  readonly 'first-token-budget'?: string;
  readonly ctx?: string;
  readonly 'gpu-layers'?: string;
  readonly verbose?: boolean;
}

/** The model on this machine, in a llama-server of its own; its context as the extension would start it. */
async function localEngine(values: EngineFlags, modelPath: string | undefined, mmprojPath: string | undefined): Promise<LocalEngine> {
  if (!modelPath) {
    throw new GlimpseError('file-missing', 'No model given. Pass --model <model.gguf> --mmproj <mmproj.gguf>, set GLIMPSE_MODEL and GLIMPSE_MMPROJ, or use --remote <url>.');
  }
  // dist/cli.js → models/catalog.json, shipped beside it.
  const catalog = await loadCatalog(bundledCatalogPath(path.join(__dirname, '..'))).catch(() => undefined);
  const verbose = Boolean(values.verbose);
  return LocalEngine.create(
    {
      serverPath: values.server,
      modelPath,
      mmprojPath,
      threads: optionalNumber(values.threads, '--threads'),
      contextSize: engineContextSize(optionalNumber(values.ctx, '--ctx'), catalogEntryForModel(catalog, modelPath)),
      gpuLayers: gpuLayersArgument(values['gpu-layers']),
      processRecordDir: cliProcessRecordDir(),
      firstTokenBudgetSeconds: firstTokenBudgetArgument(values['first-token-budget']),
      encodeSpeedFile: cliEncodeSpeedFile(),
    },
    {
      info: (m) => verbose && process.stderr.write(`[glimpse] ${m}\n`),
      warn: (m) => process.stderr.write(`[glimpse] ${m}\n`),
      error: (m) => process.stderr.write(`[glimpse] ${m}\n`),
      server: (line) => verbose && process.stderr.write(`[llama-server] ${line}\n`),
    },
  );
}

/** A team's server, as the extension's remote backend reaches it. */
function remoteEngine(url: string, model: string | undefined): ChatEngine {
  // Plain http is for a network the user trusts; the flag is theirs to give.
  const baseUrl = validateRemoteBaseUrl(url, { allowInsecure: true });
  return new RemoteEngine({ baseUrl, apiKey: process.env.GLIMPSE_REMOTE_API_KEY || undefined, model: model?.trim() || undefined });
}

/** The engine with --request-timeout applied to every answer it streams. */
function withRequestTimeout(engine: ChatEngine, requestTimeoutMs: number): ChatEngine {
  if (!(requestTimeoutMs > 0)) return engine;
  return {
    describe: (signal) => engine.describe(signal),
    ensureReady: (signal) => engine.ensureReady(signal),
    chat: (turns, options, signal) => engine.chat(turns, { requestTimeoutMs, ...options }, signal),
  };
}

/** --gpu-layers: a whole number of layers, or "auto" (the default: no -ngl, the engine decides). */
function gpuLayersArgument(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const layers = parseGpuLayers(value);
  if (layers === undefined) throw new GlimpseError('invalid-argument', `--gpu-layers needs a whole number of layers or "auto", got "${value}".`);
  return layers === 'auto' ? undefined : layers;
}

function optionalNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new GlimpseError('invalid-argument', `${flag} needs a number, got "${value}".`);
  return parsed;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    const glimpseError = asGlimpseError(error);
    process.stderr.write(`glimpse: ${cliErrorText(glimpseError)}\n`);
    if (glimpseError.detail && (process.env.GLIMPSE_DEBUG || glimpseError.code !== 'internal')) {
      process.stderr.write(`${glimpseError.detail.split('\n').map((l) => `  ${l}`).join('\n')}\n`);
    }
    process.exit(1);
  },
);

/** --first-token-budget: seconds, 0 or more (0: the model's own image size). */
function firstTokenBudgetArgument(value: string | undefined): number {
  if (value === undefined) return defaultFirstTokenBudgetSeconds;
  const seconds = Number(value);
  if (!(Number.isFinite(seconds) && seconds >= 0)) {
    throw new GlimpseError('invalid-argument', `--first-token-budget needs a number of seconds, 0 or more (0: off), got "${value}".`);
  }
  return seconds;
}
