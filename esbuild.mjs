// Bundles the extension and the CLI with esbuild. Type checking is separate (`npm run typecheck`).
//   node esbuild.mjs [--watch] [--production]
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Native or heavy packages stay outside the bundle and load from node_modules at run time. */
const external = ['vscode', 'sharp', 'node-llama-cpp'];

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
  // The chat panel's webview: browser code, loaded by the panel's HTML under a strict CSP.
  {
    entryPoints: ['src/webview/main.ts'], outfile: 'media/chat.js', bundle: true, platform: 'browser',
    format: 'iife', target: 'es2020', minify: production, sourcemap: false, logLevel: 'info',
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
