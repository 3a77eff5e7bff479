// Bundles the extension and the CLI with esbuild. Type checking is separate (`npm run typecheck`).
//   node esbuild.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** sharp is a native addon: it stays outside the bundle and loads from node_modules at run time. */
const external = ['vscode', 'sharp'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external,
  logLevel: 'info',
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', /* keeps main.ts's #! line */ },
  // The GGUF header reader's worker thread, loaded from beside the bundle that starts it.
  { ...common, entryPoints: ['src/core/models/ggufWorker.ts'], outfile: 'dist/ggufWorker.js' },
  // The chat panel's webview: browser code, loaded by the panel's HTML under a strict CSP.
  {
    entryPoints: ['src/webview/main.ts'], outfile: 'media/chat.js', bundle: true, platform: 'browser',
    format: 'iife', target: 'es2020', minify: production, sourcemap: false, logLevel: 'info',
  },
  // The mockup preview's webview.
  {
    entryPoints: ['src/webview/preview/main.ts'], outfile: 'media/preview.js', bundle: true, platform: 'browser',
    format: 'iife', target: 'es2020', minify: production, sourcemap: false, logLevel: 'info',
  },
];

/** Tailwind's browser runtime (MIT) ships in media/vendor/ for the preview and the score: no CDN. */
async function copyTailwindRuntime() {
  const from = path.join(root, 'node_modules', '@tailwindcss', 'browser');
  const to = path.join(root, 'media', 'vendor');
  await mkdir(to, { recursive: true });
  await copyFile(path.join(from, 'dist', 'index.global.js'), path.join(to, 'tailwind-browser.js'));
  await copyFile(path.join(from, 'LICENSE'), path.join(to, 'tailwind-browser.LICENSE'));
}
await copyTailwindRuntime();

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
