// Typed access to Glimpse's settings. Paths that choose what is loaded or run are machine-scoped
// in package.json, so a workspace can never set them; they are read from the global value only.

import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LlamaServerConfig } from '../core/engine/llamaServer';

export interface GlimpseConfig {
  readonly modelPath: string | undefined;
  readonly mmprojPath: string | undefined;
  readonly serverPath: string | undefined;
  readonly threads: number | undefined;
  readonly contextSize: number;
  readonly maxTokens: number;
  readonly temperature: number;
  readonly startTimeoutSeconds: number;
}

/** Settings that need the engine to restart when they change. */
export const engineSettings = ['modelPath', 'mmprojPath', 'serverPath', 'threads', 'contextSize', 'startTimeoutSeconds'] as const;

function expandPath(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  const home = trimmed === '~' || trimmed.startsWith('~/') ? path.join(os.homedir(), trimmed.slice(1)) : trimmed;
  return path.resolve(home);
}

/** Machine-scoped paths: the user's own value, never a workspace's (defence in depth). */
function machinePath(config: vscode.WorkspaceConfiguration, key: string): string | undefined {
  const inspected = config.inspect<string>(key);
  return expandPath(inspected?.globalValue ?? inspected?.defaultValue);
}

export function readConfig(): GlimpseConfig {
  const config = vscode.workspace.getConfiguration('glimpse');
  const threads = config.get<number>('threads', 0);
  return {
    modelPath: machinePath(config, 'modelPath'),
    mmprojPath: machinePath(config, 'mmprojPath'),
    serverPath: machinePath(config, 'serverPath'),
    threads: threads > 0 ? threads : undefined,
    contextSize: config.get<number>('contextSize', 4096),
    maxTokens: config.get<number>('maxTokens', 1024),
    temperature: config.get<number>('temperature', 0.2),
    startTimeoutSeconds: config.get<number>('startTimeoutSeconds', 180),
  };
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
    threads: config.threads,
    contextSize: config.contextSize,
    startTimeoutMs: config.startTimeoutSeconds * 1000,
  };
}
