#!/usr/bin/env node
// `npm start`: sets up what is missing (npm packages, the engine), builds Glimpse, then opens a real VS Code with the extension loaded and a sample
// workspace of images. Desktop VS Code (`code --extensionDevelopmentPath`) when `code` is on PATH;
// otherwise code-server in the browser (the URL is printed). The model is GLIMPSE_MODEL and
// GLIMPSE_MMPROJ when both are set, else the synthetic demo pair (random weights: it runs the real
// engine but answers gibberish — it says so in the status bar and the panel).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { prepareTinyModel, prepareWorkspace } from './vscode-test/fixtures.mjs';
import { repositoryRoot } from './vscode-test/paths.mjs';

function run(command, args) {
  const result = spawnSync(command, args, { cwd: repositoryRoot, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function onPath(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

async function modelSettings() {
  const model = process.env.GLIMPSE_MODEL;
  const mmproj = process.env.GLIMPSE_MMPROJ;
  if (model && mmproj) {
    console.log(`Model: ${model}\nProjector: ${mmproj}`);
    return { 'glimpse.modelPath': path.resolve(model), 'glimpse.mmprojPath': path.resolve(mmproj) };
  }
  const pair = await prepareTinyModel();
  console.log('Model: the synthetic demo pair (random weights — the engine runs for real, the answers are gibberish).');
  console.log('       Set GLIMPSE_MODEL and GLIMPSE_MMPROJ to a real GGUF model and its mmproj to get real answers.');
  return { 'glimpse.modelPath': pair.modelPath, 'glimpse.mmprojPath': pair.mmprojPath };
}

// What a fresh clone lacks is set up first: the npm packages, then the engine (about 10 minutes on
// 2 cores, once; cached in ~/.cache/glimpse/engine).
run(process.execPath, [path.join(repositoryRoot, 'scripts', 'ensure-packages.mjs')]);
run(process.execPath, [path.join(repositoryRoot, 'scripts', 'build-engine.mjs')]);
run('npm', ['run', '--silent', 'compile']);
run('npm', ['run', '--silent', 'build']);
const workspace = await prepareWorkspace(path.join(repositoryRoot, 'test', '.generated', 'sample-workspace'));
const settings = await modelSettings();

const code = onPath('code');
if (code) {
  // A profile of its own, so the demo settings never touch the user's own VS Code settings.
  const userData = path.join(repositoryRoot, '.vscode-test', 'start-user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...settings, 'workbench.startupEditor': 'none' }, null, 2));
  console.log(`Opening VS Code with Glimpse on ${workspace}`);
  spawn(code, [`--extensionDevelopmentPath=${repositoryRoot}`, `--user-data-dir=${userData}`, workspace], { stdio: 'inherit', detached: true }).unref();
} else {
  const { startCodeServer, workbenchUrl } = await import('./vscode-test/codeServer.mjs');
  const { assertInstalled } = await import('./vscode-test/paths.mjs');
  try {
    assertInstalled();
  } catch {
    console.log('VS Code (`code`) is not on PATH: installing code-server for the browser instead (once, a few minutes)…');
    run(process.execPath, [path.join(repositoryRoot, 'scripts', 'vscode-test', 'setup.mjs')]);
  }
  const server = await startCodeServer({ settings });
  const url = workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: repositoryRoot });
  console.log(`\nGlimpse is running in VS Code (code-server) at:\n\n  ${url}\n\nRight-click an image in the Explorer and choose "Explain Image". Ctrl+C stops.`);
  const stop = async () => {
    await server.dispose();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
