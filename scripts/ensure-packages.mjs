#!/usr/bin/env node
// Installs the npm packages when the checkout lacks any that package.json names (a fresh clone,
// or a pull that added one): the first step of `npm test` and `npm start`, so both work on a
// fresh machine. Does nothing when every package is there.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
const missing = names.filter((name) => !fs.existsSync(path.join(root, 'node_modules', name, 'package.json')));
if (missing.length > 0) {
  console.log(`Installing the npm packages (missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})…`);
  // Not `npm ci`: the registry here lacks node-llama-cpp's optional prebuilt packages for other platforms.
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
