// Typed access to Glimpse's settings. Paths that choose what is loaded or run are machine-scoped
// in package.json, so a workspace can never set them; they are read from the global value only.

import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LlamaServerConfig } from '../core/engine/llamaServer';
import type { ServerSearch } from '../core/engine/locateServer';
import { parseGpuLayers } from '../core/engine/gpuLayers';
import { defaultFirstTokenBudgetSeconds } from '../core/models/firstTokenBudget';
import { explainDefaults } from '../core/chat/explainImage';
import { mockupDefaults } from '../core/mockup/runMockup';
import { bundledEngineDirectory, downloadedEnginesDirectory } from './installation';

export interface GlimpseConfig {
  readonly modelPath: string | undefined;
  readonly mmprojPath: string | undefined;
  readonly serverPath: string | undefined;
  readonly threads: number | undefined;
  /** Layers offloaded to the GPU (llama-server -ngl); undefined: "auto", the engine decides. */
  readonly gpuLayers: number | undefined;
  /** Hugging Face or a mirror with the same layout, for model downloads; undefined: Hugging Face. */
  readonly modelDownloadBaseUrl: string | undefined;
  /** A mirror of github.com for Get the Engine; undefined: GitHub. */
  readonly engineDownloadBaseUrl: string | undefined;
  /** undefined: automatic (the catalog's context for the model, else 8192; see core/models/contextSize.ts). */
  readonly contextSize: number | undefined;
  readonly maxTokens: number;
  readonly temperature: number;
  /** Prefill while typing (the embedded engine only): the draft is evaluated into the server's cache. */
  readonly prefillWhileTyping: boolean;
  /** Offer the model in VS Code's chat and model picker (the language-model provider). */
  readonly languageModelEnabled: boolean;
  readonly startTimeoutSeconds: number;
  /** glimpse.unloadAfterIdleMinutes: 0 keeps the model loaded. */
  readonly unloadAfterIdleMinutes: number;
  /** glimpse.firstTokenBudgetSeconds: 0 sends every image at the model's own size. */
  readonly firstTokenBudgetSeconds: number;
  /** The longest one answer may take; 0: no limit. */
  readonly requestTimeoutSeconds: number;
  readonly maxImageBytes: number;
  /** Chromium-family browser for the mockup visual score; undefined: look in well-known places. */
  readonly browserPath: string | undefined;
  readonly mockup: {
    readonly twoStep: boolean;
    readonly score: boolean;
    readonly maxTokens: number;
  };
  readonly backend: 'embedded' | 'remote';
  readonly remote: {
    readonly url: string;
    readonly model: string | undefined;
    readonly headers: Readonly<Record<string, string>>;
    readonly allowInsecureHttp: boolean;
    readonly vision: 'auto' | 'yes' | 'no';
  };
}

/** Settings that need the engine to restart (or the remote server to be probed again) when they change. */
export const engineSettings = ['modelPath', 'mmprojPath', 'serverPath', 'threads', 'gpuLayers', 'contextSize', 'startTimeoutSeconds', 'unloadAfterIdleMinutes', 'firstTokenBudgetSeconds', 'backend', 'remote'] as const;

function expandPath(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  const home = trimmed === '~' || trimmed.startsWith('~/') ? path.join(os.homedir(), trimmed.slice(1)) : trimmed;
  return path.resolve(home);
}

/** Machine-scoped paths: the user's own value, never a workspace's (defence in depth). */
function machinePath(config: vscode.WorkspaceConfiguration, key: string): string | undefined {
  return expandPath(machineValue<string | undefined>(config, key, undefined));
}

export function readConfig(): GlimpseConfig {
  const config = vscode.workspace.getConfiguration('glimpse');
  const threads = machineValue<number>(config, 'threads', 0);
  return {
    modelPath: machinePath(config, 'modelPath'),
    mmprojPath: machinePath(config, 'mmprojPath'),
    serverPath: machinePath(config, 'serverPath'),
    threads: threads > 0 ? threads : undefined,
    gpuLayers: gpuLayersValue(machineValue<unknown>(config, 'gpuLayers', 'auto')),
    modelDownloadBaseUrl: (machineValue(config, 'modelDownloadBaseUrl', '') ?? '').trim() || undefined,
    engineDownloadBaseUrl: (machineValue(config, 'engineDownloadBaseUrl', '') ?? '').trim() || undefined,
    contextSize: positiveOrUndefined(machineValue<number>(config, 'contextSize', 0)),
    maxTokens: config.get<number>('maxTokens', explainDefaults.maxTokens),
    temperature: config.get<number>('temperature', explainDefaults.temperature),
    prefillWhileTyping: config.get<boolean>('chat.prefillWhileTyping', true) !== false,
    languageModelEnabled: config.get<boolean>('languageModel.enabled', true) !== false,
    startTimeoutSeconds: machineValue<number>(config, 'startTimeoutSeconds', 180),
    unloadAfterIdleMinutes: Math.max(0, machineValue<number>(config, 'unloadAfterIdleMinutes', 15) || 0),
    firstTokenBudgetSeconds: Math.max(0, machineValue<number>(config, 'firstTokenBudgetSeconds', defaultFirstTokenBudgetSeconds) || 0),
    requestTimeoutSeconds: Math.max(0, config.get<number>('requestTimeoutSeconds', 0) || 0),
    maxImageBytes: config.get<number>('maxImageMegabytes', 50) * 2 ** 20,
    browserPath: machinePath(config, 'browserPath'),
    mockup: {
      twoStep: config.get<boolean>('mockup.twoStep', mockupDefaults.twoStep) !== false,
      score: config.get<boolean>('mockup.score', true) !== false,
      maxTokens: config.get<number>('mockup.maxTokens', mockupDefaults.maxTokens),
    },
    backend: machineValue<string>(config, 'backend', 'embedded') === 'remote' ? 'remote' : 'embedded',
    remote: {
      url: (machineValue(config, 'remote.url', '') ?? '').trim(),
      model: (machineValue(config, 'remote.model', '') ?? '').trim() || undefined,
      headers: machineValue<Record<string, string>>(config, 'remote.headers', {}) ?? {},
      allowInsecureHttp: machineValue<boolean>(config, 'remote.allowInsecureHttp', false) === true,
      vision: (['yes', 'no'] as const).find((v) => v === machineValue<string>(config, 'remote.vision', 'auto')) ?? 'auto',
    },
  };
}

function positiveOrUndefined(value: number | undefined): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}

/** A machine-scoped setting: the user's (or remote machine's) value, never a workspace's. */
function machineValue<T>(config: vscode.WorkspaceConfiguration, key: string, fallback: T): T {
  const inspected = config.inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
}

/** glimpse.gpuLayers: a whole number of layers; "auto" and anything else let the engine decide. */
function gpuLayersValue(value: unknown): number | undefined {
  const layers = parseGpuLayers(value);
  return typeof layers === 'number' ? layers : undefined;
}

export function affectsEngine(event: vscode.ConfigurationChangeEvent): boolean {
  return engineSettings.some((key) => event.affectsConfiguration(`glimpse.${key}`));
}

/** The engine settings for the configured pair, or undefined when no model is set. */
export function engineConfig(config: GlimpseConfig): LlamaServerConfig | undefined {
  if (!config.modelPath) return undefined;
  return {
    modelPath: config.modelPath,
    mmprojPath: config.mmprojPath,
    serverPath: config.serverPath,
    serverSearch: serverSearch(),
    threads: config.threads,
    gpuLayers: config.gpuLayers,
    contextSize: config.contextSize,
    startTimeoutMs: config.startTimeoutSeconds * 1000,
    sleepAfterIdleSeconds: config.unloadAfterIdleMinutes * 60,
    firstTokenBudgetSeconds: config.firstTokenBudgetSeconds,
    ...serverArgsFromEnvironment(),
  };
}

/** Where this installation's engines are: the one the VSIX carries, then those Get the Engine downloaded. */
export function serverSearch(): ServerSearch {
  return { bundledDirectory: bundledEngineDirectory(), downloadedDirectory: downloadedEnginesDirectory() };
}

/**
 * GLIMPSE_LLAMA_SERVER_ARGS: further llama-server arguments, space-separated, for debugging an
 * engine (e.g. "--verbose") and for tests that need the synthetic model to keep talking
 * ("--ignore-eos"). Read at each engine start; not a setting, so no workspace can set it.
 */
function serverArgsFromEnvironment(env: NodeJS.ProcessEnv = process.env): { extraArgs?: string[] } {
  const args = (env.GLIMPSE_LLAMA_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean);
  return args.length > 0 ? { extraArgs: args } : {};
}
