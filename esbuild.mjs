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

/**
 * Bundles node-llama-cpp's GGUF reader (pure JS, ~200 KB) instead of loading the package at run
 * time: src/core/models/ggufReader.ts is replaced by a static import of the reader module, so the
 * installed extension needs no node-llama-cpp (hundreds of MB with its prebuilt bindings).
 */
const bundleGgufReader = {
  name: 'bundle-gguf-reader',
  setup(build) {
    const loader = path.join(root, 'src', 'core', 'models', 'ggufReader.ts');
    const reader = path.join(root, 'node_modules', 'node-llama-cpp', 'dist', 'gguf', 'readGgufFileInfo.js');
    build.onLoad({ filter: /ggufReader\.ts$/ }, (args) => {
      if (path.resolve(args.path) !== loader) return undefined;
      return {
        loader: 'ts',
        resolveDir: path.dirname(loader),
        contents: `import { readGgufFileInfo } from ${JSON.stringify(reader)};\nexport async function loadGgufReader() { return { readGgufFileInfo }; }\n`,
      };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external,
  plugins: [bundleGgufReader],
  logLevel: 'info',
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', /* keeps main.ts's #! line */ },
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
