// Loads node-llama-cpp's pure-JS GGUF reader. In plain Node (tests, benchmarks) it is imported from
// node_modules by file path: only the reader module (~0.1 s), not the package's index (~0.5 s,
// which pulls in the native bindings); the package's "exports" map hides the module, the version
// is pinned exactly, and the index remains the fallback. In the extension and CLI bundles,
// esbuild.mjs replaces this file with a static import, so the reader is bundled and node-llama-cpp
// is not needed at run time.

import path from 'node:path';
import { pathToFileURL } from 'node:url';

export type NodeLlamaCpp = typeof import('node-llama-cpp', { with: { 'resolution-mode': 'import' } });
export type GgufReader = Pick<NodeLlamaCpp, 'readGgufFileInfo'>;

export async function loadGgufReader(): Promise<GgufReader> {
  try {
    const entry = require.resolve('node-llama-cpp');
    const reader = pathToFileURL(path.join(path.dirname(entry), 'gguf', 'readGgufFileInfo.js')).href;
    const module = (await import(reader)) as GgufReader;
    if (typeof module.readGgufFileInfo === 'function') return module;
  } catch {
    // fall back to the public entry point
  }
  return import('node-llama-cpp');
}
