// `npm run bench`: Glimpse's engine (core → llama-server) against llama-mtmd-cli of the same
// llama.cpp build, on the `bench` synthetic pair (real shapes, random weights) and a 1280×960
// screenshot-like image. Prints one table of medians and writes JSON to bench/results/.
//
//   node out/bench/run.js [--runs N] [--threads N] [--tokens N] [--preset bench|tiny-llava|tiny-qwen2vl|bench-smolvlm-500m|bench-qwen2vl-2b]
//                         [--only engine,coldstart,images,extension,tokens,bandwidth,builds,sleep]
//
// `tokens`, `bandwidth` and `builds` run only when named in --only (visual tokens vs pixels per
// preset; decode vs the memory-bandwidth limit on the bench pair; the portable engine build against
// the native one, both from the engine cache). `sleep` (named in --only too): what the idle unload
// frees and what waking costs (bench/idleUnload.ts).
//
// --preset bench-smolvlm-500m / bench-qwen2vl-2b: the real shapes and quantizations of the catalog's
// SmolVLM 500M and Qwen2-VL 2B (test/fixtures/gguf/benchPresets.ts, written once into
// bench/.generated/). Default sections then: engine (a 1920×1080 screenshot; the CLI gets the image
// as Glimpse sends it), coldstart (1920×1080 and 3840×2160, with peak memory against files + KV),
// tokens (a few sizes for that projector, tokens predicted vs the server's) and bandwidth.
//
// Ratio column: how Glimpse compares with the native CLI, >1 is better (for times cli/ours, for
// speeds ours/cli, for memory cli/ours). The goal is ≥ 0.95 on every engine figure.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { locateServer } from '../src/core/engine/locateServer';
import { ensureSyntheticPair, modelsDirectoryFor, benchOnlyPresets, type SyntheticPair, type SyntheticPresetName } from '../test/fixtures/gguf/presets';
import type { ImageSize } from '../src/core/images/budget';
import { writeTestImage } from '../test/fixtures/images';
import { runGlimpse, type GlimpseRunFigures } from './glimpseRun';
import { median } from './statistics';
import { chatQuestions, type ChatFollowUpFigures, type ChatTurnFigures } from './chatFollowUp';
import type { PrefillFigures } from '../src/core/engine/chatEngine';
import { runMtmdCli, type RunFigures } from './mtmdCliRun';
import { benchImagePreparation } from './imagePreparation';
import { benchExtensionCost } from './extensionCost';
import { runColdStart, type ColdStartPhases } from './coldStart';
import { benchVisualTokens, visualTokenTable, visualTokenSizes } from './visualTokens';
import { qwen2VlEncodeProjection } from './vitEncodeCost';
import { benchDecodeBandwidth, decodeBandwidthTable } from './decodeBandwidth';
import { benchEngineBuilds, cachedBuilds } from './engineBuilds';
import { runIdleUnload, type IdleUnloadFigures } from './idleUnload';

const repoRoot = path.resolve(__dirname, '..', '..');

interface Row {
  figure: string;
  unit: string;
  glimpse?: number;
  cli?: number;
  /** 'time' and 'memory': lower is better; 'rate': higher is better. */
  kind: 'time' | 'rate' | 'memory';
}

function ratio(row: Row): number | undefined {
  if (row.glimpse === undefined || row.cli === undefined || row.glimpse === 0 || row.cli === 0) return undefined;
  return row.kind === 'rate' ? row.glimpse / row.cli : row.cli / row.glimpse;
}

function format(value: number | undefined, digits = 1): string {
  return value === undefined ? '—' : value.toFixed(digits);
}

function prefillRate(figures: RunFigures, subtractEncode: boolean): number | undefined {
  const { promptEvalMs, promptEvalTokens, encodeMs } = figures.log;
  if (promptEvalMs === undefined || promptEvalTokens === undefined) return undefined;
  // llama-server's prompt time includes encoding the image; llama_perf's (the CLI's) does not.
  const ms = promptEvalMs - (subtractEncode ? (encodeMs ?? 0) : 0);
  return ms > 0 ? (promptEvalTokens / ms) * 1000 : undefined;
}

function decodeRate(figures: RunFigures): number | undefined {
  const { evalMs, evalTokens } = figures.log;
  return evalMs && evalTokens ? (evalTokens / evalMs) * 1000 : undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      threads: { type: 'string', default: '2' },
      tokens: { type: 'string', default: '64' },
      preset: { type: 'string', default: 'bench' },
      ctx: { type: 'string', default: '4096' },
      only: { type: 'string' },
    },
  });
  const preset = values.preset as SyntheticPresetName;
  // The real-shape pairs answer the users' question (screenshots on their models): their default
  // is the engine comparison, cold starts at 1080p and 4K, tokens vs pixels and decode vs bandwidth.
  const realShapes = (benchOnlyPresets as readonly string[]).includes(preset);
  const sections = new Set((values.only ?? (realShapes ? 'engine,coldstart,tokens,bandwidth' : 'engine,coldstart,images,extension')).split(','));
  const report: Record<string, unknown> = {};
  const lines: string[] = [];
  const runs = Number(values.runs);
  const threads = Number(values.threads);
  const tokens = Number(values.tokens);
  const contextSize = Number(values.ctx);
  const engineImage = realShapes ? { width: 1920, height: 1080 } : { width: 1280, height: 960 };
  const engineImageName = `${engineImage.width}×${engineImage.height}`;

  if (sections.has('engine')) {
    const server = await locateServer(process.env.GLIMPSE_SERVER_PATH);
    const cliPath = path.join(path.dirname(server.path), 'llama-mtmd-cli');
    if (!fs.existsSync(cliPath)) throw new Error(`llama-mtmd-cli is missing next to ${server.path}: run "npm run build:engine -- --force".`);

    const modelsDir = modelsDirectoryFor(preset);
    process.stderr.write(`Preparing the ${preset} pair in ${modelsDir} (written once, then reused)…\n`);
    const generateStarted = Date.now();
    const pair = await ensureSyntheticPair(preset, modelsDir);
    process.stderr.write(`  ready after ${((Date.now() - generateStarted) / 1000).toFixed(1)} s\n`);
    const imagePath = path.join(repoRoot, 'bench', '.generated', 'images', `screenshot-${engineImage.width}x${engineImage.height}.png`);
    await writeTestImage(imagePath, { ...engineImage, format: 'png', pattern: 'screenshot' });
    const prompt = 'Describe this image.';
    // On the real-shape pairs the CLI gets the image as Glimpse sends it (written after Glimpse's
    // first run), so both encode the same pixels: the original would cost the CLI minutes more of
    // Qwen2-VL encode, a comparison of budgets rather than engines.
    let cliImagePath = imagePath;
    // The CLI gets the same llama.cpp settings the engine gives llama-server (see llamaServer.ts).
    const sharedArgs = server.accelerators.length === 0 ? ['--fit', 'off'] : [];

    const ours: GlimpseRunFigures[] = [];
    const cli: RunFigures[] = [];
    for (let run = 1; run <= runs; run++) {
      // Alternate which goes first so neither always runs with a warmer page cache.
      const order = run % 2 ? ['glimpse', 'cli'] : ['cli', 'glimpse'];
      for (const which of order) {
        process.stderr.write(`run ${run}/${runs}: ${which}\n`);
        if (which === 'glimpse') {
          ours.push(await runGlimpse({ serverPath: server.path, modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, imagePath, prompt, threads, contextSize, tokens }));
          if (realShapes && cliImagePath === imagePath) {
            const sent = ours[0].prepared;
            cliImagePath = path.join(repoRoot, 'bench', '.generated', 'images', `sent-${preset}-${sent.width}x${sent.height}.${sent.mimeType === 'image/jpeg' ? 'jpg' : 'png'}`);
            fs.writeFileSync(cliImagePath, sent.data);
          }
        } else {
          cli.push(await runMtmdCli({ cliPath, modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, imagePath: cliImagePath, prompt, threads, contextSize, tokens, sharedArgs }));
        }
      }
    }

    const rows: Row[] = [
      { figure: 'load (spawn → ready for the image)', unit: 'ms', kind: 'time', glimpse: median(ours.map((r) => r.loadMs)), cli: median(cli.map((r) => r.loadMs)) },
      { figure: 'image encode (projector)', unit: 'ms', kind: 'time', glimpse: median(ours.map((r) => r.log.encodeMs)), cli: median(cli.map((r) => r.log.encodeMs)) },
      { figure: 'image tokens into the model', unit: 'ms', kind: 'time', glimpse: median(ours.map((r) => r.log.imageDecodeMs)), cli: median(cli.map((r) => r.log.imageDecodeMs)) },
      { figure: 'prefill', unit: 'tok/s', kind: 'rate', glimpse: median(ours.map((r) => prefillRate(r, true))), cli: median(cli.map((r) => prefillRate(r, false))) },
      { figure: 'decode', unit: 'tok/s', kind: 'rate', glimpse: median(ours.map(decodeRate)), cli: median(cli.map(decodeRate)) },
      { figure: 'time to first token (loaded, image in hand → token)', unit: 'ms', kind: 'time', glimpse: median(ours.map((r) => r.firstTokenMs)), cli: median(cli.map((r) => r.firstTokenMs)) },
      { figure: 'peak resident memory', unit: 'MiB', kind: 'memory', glimpse: median(ours.map((r) => r.peakRssMiB)), cli: median(cli.map((r) => r.peakRssMiB)) },
      { figure: 'image preparation (sharp, in Glimpse)', unit: 'ms', kind: 'time', glimpse: median(ours.map((r) => r.prepareMs)) },
    ];

    const first = ours[0];
    const conditions = {
      date: new Date().toISOString(),
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      threads,
      preset,
      model: `${path.basename(pair.modelPath)} ${(fs.statSync(pair.modelPath).size / 2 ** 20).toFixed(0)} MiB`,
      mmproj: `${path.basename(pair.mmprojPath)} ${(fs.statSync(pair.mmprojPath).size / 2 ** 20).toFixed(0)} MiB`,
      image: `${engineImageName} PNG, sent as ${first.prepared.width}×${first.prepared.height} ${first.prepared.mimeType}${realShapes ? ' (the CLI is given the image as sent)' : ''}`,
      promptTokens: first.promptTokens,
      generatedTokens: tokens,
      runs,
      engine: server.version,
      sharedFlags: sharedArgs.join(' ') || 'none',
    };

    const fileMiB = (fs.statSync(pair.modelPath).size + fs.statSync(pair.mmprojPath).size) / 2 ** 20;
    const kvMiB = median(ours.map((r) => r.log.kvCacheMiB)) ?? 0;
    const peakMiB = median(ours.map((r) => r.peakRssMiB));
    lines.push(
      `## Engine: Glimpse vs llama-mtmd-cli`,
      '',
      `Conditions: ${Object.entries(conditions).map(([k, v]) => `${k}=${v}`).join(', ')}`,
      '',
      `| figure | unit | Glimpse | llama-mtmd-cli | ratio (≥ 0.95 goal, >1 better) |`,
      `|---|---|---:|---:|---:|`,
      ...rows.map((row) => `| ${row.figure} | ${row.unit} | ${format(row.glimpse)} | ${format(row.cli)} | ${format(ratio(row), 2)} |`),
      '',
      `Memory: llama-server peak RSS ${format(peakMiB)} MiB against model + projector files ${format(fileMiB)} MiB + KV cache ${format(kvMiB)} MiB = ${format(fileMiB + kvMiB)} MiB ` +
        `(overhead ${format(peakMiB === undefined ? undefined : peakMiB - fileMiB - kvMiB)} MiB; target ≤ 300).`,
      '',
      ...chatFollowUpLines(ours.map((r) => r.chat)),
    );
    lines.push(
      `Notes: medians of the runs. The CLI is given ${realShapes ? 'the image as Glimpse sent it' : 'the original image'}; Glimpse sends the image prepared for the model's budget ` +
        '(its preparation time counts in its time to first token). Encode = log time between "encoding mtmd batch" and ' +
        '"decoding image batch"; Glimpse\'s prefill excludes the encode (llama-server counts it in prompt time, llama_perf does not).',
      '',
    );
    report.engine = { conditions, rows: rows.map((row) => ({ ...row, ratio: ratio(row) })), memory: { peakMiB, fileMiB, kvMiB }, raw: { glimpse: ours.map(({ prepared, ...rest }) => rest), cli } };
  }

  const machine = () => `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(2)} at the start, ${threads} threads`;

  if (sections.has('coldstart')) {
    const server = await locateServer(process.env.GLIMPSE_SERVER_PATH);
    const pair = await ensureSyntheticPair(preset, modelsDirectoryFor(preset));
    const coldImages = realShapes ? [{ width: 1920, height: 1080 }, { width: 3840, height: 2160 }] : [{ width: 1280, height: 960 }];
    const conditions = `${new Date().toISOString()}, ${machine()}`;
    const byImage: Array<{ name: string; runs: ColdStartPhases[] }> = [];
    for (const size of coldImages) {
      const name = `${size.width}×${size.height}`;
      const imagePath = path.join(repoRoot, 'bench', '.generated', 'images', `screenshot-${size.width}x${size.height}.png`);
      await writeTestImage(imagePath, { ...size, format: 'png', pattern: 'screenshot' });
      const runsDone: ColdStartPhases[] = [];
      for (let run = 1; run <= runs; run++) {
        process.stderr.write(`cold start ${name} ${run}/${runs}\n`);
        runsDone.push(await runColdStart({ serverPath: server.path, modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, imagePath, threads, contextSize }));
      }
      byImage.push({ name, runs: runsDone });
    }
    if (!realShapes) {
      const runsDone = byImage[0].runs;
      const m = (pick: (r: ColdStartPhases) => number | undefined) => format(median(runsDone.map(pick)));
      lines.push(`## Cold start to first token (Explain Image through the core; ${preset} pair, 1280×960 PNG, fresh server each run, medians of ${runs})`, '',
        '| phase (time since the request) | ms |', '|---|---:|',
        `| model pair checked (GGUF headers; the first run in a process also loads the reader) | ${m((r) => r.pairCheckedMs)} |`,
        `| image prepared (sharp, while the server starts) | ${m((r) => r.imagePreparedMs)} |`,
        `| server ready (spawn, model + projector load with mmap, warm-up) | ${m((r) => r.serverReadyMs)} |`,
        `| image encode (inside the first request, from the server log) | ${m((r) => r.encodeMs)} |`,
        `| first token | ${m((r) => r.firstTokenMs)} |`, '');
      report.coldStart = runsDone;
    } else {
      lines.push(...coldStartByImageLines(preset, pair, byImage, runs, conditions));
      report.coldStart = { conditions, byImage };
    }
  }

  if (sections.has('images')) {
    const figures = await benchImagePreparation(path.join(repoRoot, 'bench', '.generated', 'images'));
    lines.push('## Image preparation (prepareImage, long side 1344; target ≤ 150 ms)', '', '| source | sent as | median ms | min ms |', '|---|---|---:|---:|',
      ...figures.map((f) => `| ${f.source} | ${f.sentAs} | ${format(f.medianMs)} | ${format(f.minMs)} |`), '');
    report.images = figures;
  }

  if (sections.has('extension')) {
    const cost = benchExtensionCost(repoRoot);
    lines.push('## Extension cost', '', '| figure | value | target |', '|---|---:|---|',
      `| load bundle + activate() (production build, median of fresh processes) | ${format(cost.activationMedianMs)} ms | ≤ 50 ms |`,
      `| dist/extension.js (minified) | ${format(cost.extensionBundleKiB)} KiB | ≤ 1024 KiB |`,
      `| media/chat.js (webview, minified) | ${format(cost.webviewBundleKiB)} KiB | — |`,
      `| VSIX for this platform (engine, sharp + libvips, the Tailwind runtime; npm run package) | ${format(cost.vsixMiB)} MiB | ≤ 40 MiB |`, '');
    report.extension = cost;
  }

  if (sections.has('tokens')) {
    const server = await locateServer(process.env.GLIMPSE_SERVER_PATH);
    const conditions = `${new Date().toISOString()}, ${machine()}, ${server.version}, median of ${runs} runs per row`;
    const sizes = realShapes ? realShapeTokenSizes(preset) : visualTokenSizes;
    const rows = await benchVisualTokens({
      serverPath: server.path, threads, contextSize, runs, imagesDirectory: path.join(repoRoot, 'bench', '.generated', 'images'),
      ...(realShapes ? { presets: [preset], sizes, unbudgetedLargest: false } : {}),
    });
    lines.push(`## Visual tokens vs pixels${realShapes ? ` (${preset})` : ''} (screenshot-like PNGs ${sizes.map((s) => `${s.width}×${s.height}`).join(', ')})`, '',
      `Conditions: ${conditions}.`, '', ...visualTokenTable(rows), '',
      'Tokens server = sum of n_tokens_batch of the "decoding image batch" log lines (the prompt-token cross-check, total minus text tokens, ' +
        'is shown in parentheses only where it differs). Encode = log time between "encoding mtmd batch" and "decoding image batch 1/".',
      '', ...qwen2VlEncodeProjection(rows), '');
    report.visualTokens = { conditions, rows };
  }

  if (sections.has('bandwidth')) {
    const server = await locateServer(process.env.GLIMPSE_SERVER_PATH);
    const pair = await ensureSyntheticPair(preset, modelsDirectoryFor(preset));
    const conditions = `${new Date().toISOString()}, ${machine()}, ${preset} model ${(fs.statSync(pair.modelPath).size / 2 ** 20).toFixed(0)} MiB, ${tokens} tokens per run, ${runs} runs, ${server.version}`;
    const figures = await benchDecodeBandwidth({ serverPath: server.path, modelPath: pair.modelPath, threads, contextSize, tokens, runs });
    lines.push('## Decode vs the memory-bandwidth limit', '', `Conditions: ${conditions}; bandwidth: ${figures.bandwidth.method}, ` +
      `${(figures.bandwidth.bufferBytes / 2 ** 30).toFixed(0)} GiB buffer.`, '', ...decodeBandwidthTable(figures), '');
    report.bandwidth = { conditions, ...figures };
  }

  if (sections.has('builds')) {
    const builds = cachedBuilds();
    if (builds.length < 2) throw new Error(`The builds section compares engine builds in the cache and found ${builds.map((b) => b.variant).join(', ') || 'none'}: build both with "npm run build:engine -- --variant portable" and "-- --variant native".`);
    const pair = await ensureSyntheticPair(preset, modelsDirectoryFor(preset));
    const imagePath = path.join(repoRoot, 'bench', '.generated', 'images', 'screenshot-1280x960.png');
    await writeTestImage(imagePath, { width: 1280, height: 960, format: 'png', pattern: 'screenshot' });
    const figures = await benchEngineBuilds(builds, {
      modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, imagePath, prompt: 'Describe this image.', threads, contextSize, tokens, sharedArgs: ['--fit', 'off'],
    }, runs, (line) => process.stderr.write(`${line}\n`));
    const [reference, ...others] = builds.map((b) => b.variant).sort((a, b) => (a === 'native' ? -1 : b === 'native' ? 1 : a.localeCompare(b)));
    const measures: Array<{ figure: string; unit: string; kind: Row['kind']; pick: (r: RunFigures) => number | undefined }> = [
      { figure: 'load', unit: 'ms', kind: 'time', pick: (r) => r.loadMs },
      { figure: 'image encode (projector)', unit: 'ms', kind: 'time', pick: (r) => r.log.encodeMs },
      { figure: 'image tokens into the model', unit: 'ms', kind: 'time', pick: (r) => r.log.imageDecodeMs },
      { figure: 'prefill', unit: 'tok/s', kind: 'rate', pick: (r) => prefillRate(r, false) },
      { figure: 'decode', unit: 'tok/s', kind: 'rate', pick: decodeRate },
    ];
    const conditions = `${new Date().toISOString()}, ${machine()}, ${preset} pair, 1280×960 PNG, ${tokens} tokens, medians of ${runs} runs per build, llama-mtmd-cli of each build`;
    lines.push(`## Engine builds: ${others.join(', ')} against ${reference}`, '', `Conditions: ${conditions}.`, '',
      `| figure | unit | ${reference} | ${others.join(' | ')} | ratio ${others[0]}/${reference} (≥ 0.95 goal, >1 better) |`,
      `|---|---|---:|${others.map(() => '---:').join('|')}|---:|`,
      ...measures.map((m) => {
        const ref = median(figures.get(reference)!.map(m.pick));
        const values = others.map((variant) => median(figures.get(variant)!.map(m.pick)));
        return `| ${m.figure} | ${m.unit} | ${format(ref)} | ${values.map((v) => format(v)).join(' | ')} | ${format(ratio({ figure: m.figure, unit: m.unit, kind: m.kind, glimpse: values[0], cli: ref }), 2)} |`;
      }), '');
    report.builds = { conditions, figures: Object.fromEntries(figures) };
  }

  if (sections.has('sleep')) {
    const server = await locateServer(process.env.GLIMPSE_SERVER_PATH);
    const pair = await ensureSyntheticPair(preset, modelsDirectoryFor(preset));
    // A screenshot small enough that the image part stays short on two cores: SmolVLM capped at
    // its overview + one tile (--image-max-tokens 128, as the first-token budget does), Qwen2-VL at 448×336 (192 tokens).
    const size = preset === 'bench-smolvlm-500m' ? { width: 1920, height: 1080 } : { width: 448, height: 336 };
    const imagePath = path.join(repoRoot, 'bench', '.generated', 'images', `screenshot-${size.width}x${size.height}.png`);
    await writeTestImage(imagePath, { ...size, format: 'png', pattern: 'screenshot' });
    const extraArgs = preset === 'bench-smolvlm-500m' ? ['--image-max-tokens', '128'] : [];
    const conditions = `${new Date().toISOString()}, ${machine()}, ${preset} pair, ${size.width}×${size.height} PNG${extraArgs.length ? ` (${extraArgs.join(' ')})` : ''}, --sleep-idle-seconds 5, medians of ${runs} runs`;
    const runsDone: IdleUnloadFigures[] = [];
    for (let run = 1; run <= runs; run++) {
      process.stderr.write(`idle unload ${run}/${runs}\n`);
      runsDone.push(await runIdleUnload({ serverPath: server.path, modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, imagePath, threads, contextSize, sleepAfterSeconds: 5, extraArgs }));
    }
    const m = (pick: (r: IdleUnloadFigures) => number | undefined, digits = 0) => format(median(runsDone.map(pick)), digits);
    const files = (fs.statSync(pair.modelPath).size + fs.statSync(pair.mmprojPath).size) / 2 ** 20;
    lines.push('## Idle unload: memory asleep and the cost of waking', '', `Conditions: ${conditions}; model + projector files ${format(files, 0)} MiB.`, '',
      '| figure | value |', '|---|---:|',
      `| resident memory awake, after an image question and a follow-up (MiB) | ${m((r) => r.awakeRssMiB)} |`,
      `| resident memory asleep (MiB) | ${m((r) => r.asleepRssMiB)} |`,
      `| first token of the image question, cold start (ms) | ${m((r) => r.imageFirstTokenMs)} |`,
      `| first token of a text follow-up, awake (ms; the image is in the cache) | ${m((r) => r.warmFollowUpMs)} |`,
      `| first token of the same follow-up after sleeping (ms; reload + the conversation again, image included) | ${m((r) => r.wokenFollowUpMs)} |`,
      `| sleep reported after (ms; --sleep-idle-seconds 5) | ${m((r) => r.sleptAfterMs)} |`, '');
    report.sleep = { conditions, runs: runsDone };
  }

  process.stdout.write(`${lines.join('\n')}\n`);
  const resultsDir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  process.stderr.write(`Results written to ${path.relative(repoRoot, file)}\n`);
}

/**
 * Sizes for the tokens section on a real-shape pair, few because each SmolVLM image is 13–17 tile
 * encodes and each Qwen2-VL one near 1000 tokens of a 0.6 G-parameter ViT (minutes on two cores).
 * SmolVLM: libmtmd scales the long side to 2048 whatever comes in, so the count follows the aspect
 * ratio only: a small and a 4K 16:9 (same count), 4:3, square. Qwen2-VL: one token per 28×28 px up
 * to Glimpse's 1024-token budget: a small image, one near the cap, one over it (1080p; the 4K one is
 * in the cold-start table). No unbudgeted row: for SmolVLM it is the same count (libmtmd resizes to
 * 2048 itself); for Qwen2-VL up to 4096 tokens, many minutes of encode.
 */
function realShapeTokenSizes(preset: SyntheticPresetName): ImageSize[] {
  if (preset === 'bench-qwen2vl-2b') return [{ width: 448, height: 448 }, { width: 896, height: 672 }, { width: 1920, height: 1080 }];
  return [{ width: 640, height: 360 }, { width: 3840, height: 2160 }, { width: 1024, height: 768 }, { width: 512, height: 512 }];
}

/** The cold-start table of a real-shape pair: one column per screenshot size, memory against files + KV. */
function coldStartByImageLines(preset: SyntheticPresetName, pair: SyntheticPair, byImage: ReadonlyArray<{ name: string; runs: ColdStartPhases[] }>, runs: number, conditions: string): string[] {
  const fileMiB = (pair.model.fileSize + pair.projector.fileSize) / 2 ** 20;
  const cell = (pick: (r: ColdStartPhases) => number | undefined, digits = 0) => byImage.map((image) => format(median(image.runs.map(pick)), digits)).join(' | ');
  const row = (label: string, pick: (r: ColdStartPhases) => number | undefined, digits = 0) => `| ${label} | ${cell(pick, digits)} |`;
  return [
    `## Cold start to first token (${preset}: Explain Image through the core, fresh server each run, medians of ${runs})`, '',
    `Conditions: ${conditions}.`, '',
    `| phase (time since the request) | ${byImage.map((image) => `${image.name} PNG`).join(' | ')} |`,
    `|---|${byImage.map(() => '---:').join('|')}|`,
    `| sent as | ${byImage.map((image) => { const sent = image.runs[0]?.sent; return sent ? `${sent.width}×${sent.height}` : '—'; }).join(' | ')} |`,
    row('image tokens the server decoded (log)', (r) => r.imageTokens),
    row('model pair checked (GGUF headers), ms', (r) => r.pairCheckedMs),
    row('image prepared (sharp, while the server starts), ms', (r) => r.imagePreparedMs),
    row('server ready (spawn, load with mmap, warm-up), ms', (r) => r.serverReadyMs),
    row('image encode (inside the first request, server log), ms', (r) => r.encodeMs),
    row('**first token**, ms', (r) => r.firstTokenMs),
    row('peak resident memory up to the first token, MiB', (r) => r.peakRssMiB),
    row(`files (${format(fileMiB, 0)} MiB) + KV cache, MiB`, (r) => (r.kvCacheMiB === undefined ? undefined : fileMiB + r.kvCacheMiB)),
    row('peak − (files + KV cache), MiB', (r) => (r.peakRssMiB === undefined || r.kvCacheMiB === undefined ? undefined : r.peakRssMiB - fileMiB - r.kvCacheMiB)),
    '',
  ];
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

/** The follow-up table: the chat panel's first question, a follow-up sent at once, the same typed with a pause. */
function chatFollowUpLines(runsDone: readonly ChatFollowUpFigures[]): string[] {
  const first = median(runsDone.map((r) => r.first.firstTokenMs));
  const row = (label: string, pick: (r: ChatFollowUpFigures) => ChatTurnFigures) => {
    const share = median(runsDone.map((r) => pick(r).firstTokenMs / r.first.firstTokenMs));
    return `| ${label} | ${format(median(runsDone.map((r) => pick(r).firstTokenMs)))} | ${format((share ?? NaN) * 100)} % | ` +
      `${format(median(runsDone.map((r) => pick(r).evaluatedTokens)), 0)} | ${format(median(runsDone.map((r) => pick(r).cachedTokens)), 0)} |`;
  };
  const prefillLine = (label: string, pick: (r: ChatFollowUpFigures) => PrefillFigures | undefined) =>
    `${label}: ${format(median(runsDone.map((r) => pick(r)?.evaluatedTokens)), 0)} tokens evaluated in ${format(median(runsDone.map((r) => pick(r)?.ms)))} ms`;
  return [
    `Follow-up on the same image, through the chat panel's path (its system prompt; "${chatQuestions.first}" with the image kind's checklist; ` +
      `then "${chatQuestions.followUp}" three times: sent the instant the answer ended with no prefill; pasted at once after the panel prefilled ` +
      `the conversation when the answer ended; typed with a pause before its last word, the draft prefilled too). ` +
      `Target: a follow-up's first token within 10 % of the first question's (${format(first)} ms).`,
    '',
    '| turn | time to first token, ms | of the first question | tokens evaluated | tokens from the cache |',
    '|---|---:|---:|---:|---:|',
    row('first question (image encoded)', (r) => r.first),
    row('follow-up, no prefill (setting off)', (r) => r.withoutPrefill),
    row('follow-up, pasted at once (prefilled when the answer ended)', (r) => r.pasted),
    row('follow-up, typed (draft prefilled in a pause)', (r) => r.typed),
    '',
    `Prefills, while the user reads and types (not in the figures above): ${prefillLine('when the answer ended', (r) => r.afterAnswerPrefill)}; ` +
      `${prefillLine('the draft', (r) => r.draftPrefill)}.`,
    '',
  ];
}
