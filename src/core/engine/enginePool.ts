// Keeps one llama-server per model pair and at most `maxServers` of them (each holds a whole model
// in memory). Asking for a pair that is running with other settings restarts it with the new ones;
// asking for a new pair when the pool is full stops the least recently used server.

import fs from 'node:fs';
import path from 'node:path';
import type { Disposable } from '../disposable';
import { LlamaServer, type EngineLogger, type LlamaServerConfig } from './llamaServer';

export class EnginePool implements Disposable {
  private readonly servers = new Map<string, { server: LlamaServer; settings: string; lastUsed: number }>();

  constructor(
    private readonly logger?: EngineLogger,
    private readonly maxServers = 1,
  ) {}

  /** The server for this config's model pair, created (not yet started) when needed. */
  async acquire(config: LlamaServerConfig): Promise<LlamaServer> {
    const key = pairKey(config);
    const settings = JSON.stringify({ ...config, modelPath: undefined, mmprojPath: undefined });
    const existing = this.servers.get(key);
    if (existing && existing.settings === settings) {
      existing.lastUsed = Date.now();
      return existing.server;
    }
    if (existing) {
      this.servers.delete(key);
      await existing.server.dispose();
    }
    while (this.servers.size >= this.maxServers) {
      const [oldestKey, oldest] = [...this.servers.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      this.servers.delete(oldestKey);
      await oldest.server.dispose();
    }
    const server = new LlamaServer(config, this.logger);
    this.servers.set(key, { server, settings, lastUsed: Date.now() });
    return server;
  }

  get size(): number {
    return this.servers.size;
  }

  async dispose(): Promise<void> {
    const all = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(all.map((entry) => entry.server.dispose()));
  }
}

function canonical(file: string | undefined): string {
  if (!file) return '';
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

export function pairKey(config: Pick<LlamaServerConfig, 'modelPath' | 'mmprojPath'>): string {
  return `${canonical(config.modelPath)}\n${canonical(config.mmprojPath)}`;
}
