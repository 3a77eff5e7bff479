#!/usr/bin/env node
// Fails when any file under src/core imports 'vscode' or anything from src/vscode or src/webview:
// the core must run in plain Node (CLI, unit tests, benchmarks) and know nothing of the editor.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const coreDir = path.resolve(root, process.argv[2] ?? 'src/core');
const importPattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (/\.(ts|tsx|js|mjs|cjs)$/.test(entry.name)) yield full;
  }
}

const violations = [];
for (const file of walk(coreDir)) {
  const text = fs.readFileSync(file, 'utf8');
  for (const match of text.matchAll(importPattern)) {
    const spec = match[1] ?? match[2] ?? match[3] ?? match[4];
    const resolved = spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : spec;
    const forbidden = spec === 'vscode' || spec.startsWith('vscode/')
      || (spec.startsWith('.') && !resolved.startsWith(coreDir + path.sep) && resolved !== coreDir);
    if (forbidden) {
      const line = text.slice(0, match.index).split('\n').length;
      violations.push(`${path.relative(root, file)}:${line} imports "${spec}"`);
    }
  }
}
if (violations.length > 0) {
  console.error('src/core must not depend on vscode or on code outside src/core:');
  for (const v of violations) console.error(`  ${v}`);
  process.exit(1);
}
console.log(`check-core-imports: ${path.relative(root, coreDir)} is free of vscode imports.`);
