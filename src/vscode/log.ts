// The one "Glimpse" log channel (a LogOutputChannel: levels, timestamps, the user's log level),
// shared by every part of the extension, including the engine's own output.

import * as vscode from 'vscode';
import type { EngineLogger } from '../core/engine/llamaServer';

export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('Glimpse', { log: true });
}

/** Adapts the log channel to the core's engine logger; llama-server lines are tagged. */
export function engineLogger(log: Log): EngineLogger {
  return {
    info: (message) => log.info(`[engine] ${message}`),
    warn: (message) => log.warn(`[engine] ${message}`),
    error: (message) => log.error(`[engine] ${message}`),
    server: (line) => log.info(`[llama-server] ${line}`),
  };
}
