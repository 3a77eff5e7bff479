// Starts code-server (VS Code with a Node extension host, served to a browser) for the
// integration and e2e tiers: on a free 127.0.0.1 port, without auth, telemetry or update checks,
// with the smoke-test driver on (so the page can report a test run's end), in fresh temporary
// user-data and extensions folders. It runs detached in its own process group, and dispose()
// stops the whole group: a plain SIGTERM to code-server once left an extension host running.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertInstalled, codeServerEntry, nodeBinary } from './paths.mjs';

/** User settings that cut about 10 s of workbench load and keep the UI quiet for tests. */
export const fastLoadSettings = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'workbench.tips.enabled': false,
  // Keeps the (empty) secondary side bar closed, so screenshots show the editor area.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

const listenTimeoutMs = 60_000;
const stopTimeoutMs = 5_000;
const keptLogLines = 400;

/**
 * @param {object} [options]
 * @param {Record<string, unknown>} [options.settings] extra user settings (e.g. glimpse.modelPath)
 * @param {boolean} [options.disableWorkspaceTrust] pass --disable-workspace-trust
 * @param {Record<string, string>} [options.env] extra environment for code-server and so for
 *   the extension host it starts
 * @param {string[]} [options.installExtensions] VSIX files installed into the fresh extensions
 *   folder first, as a user does with `--install-extension`
 */
export async function startCodeServer({ settings = {}, disableWorkspaceTrust = false, env = {}, installExtensions = [] } = {}) {
  assertInstalled();
  const temporaryDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-code-server-'));
  const userDataDirectory = path.join(temporaryDirectory, 'user-data');
  const extensionsDirectory = path.join(temporaryDirectory, 'extensions');
  await fs.mkdir(extensionsDirectory, { recursive: true });
  await writeSettings(path.join(userDataDirectory, 'User', 'settings.json'), { ...fastLoadSettings, ...settings });
  // The workbench is a remote window (vscode-remote://), and a remote window ignores
  // `"scope": "machine"` settings found in the user settings: it reads them from the remote
  // machine's settings, <user-data-dir>/Machine/settings.json. The caller's settings go to both.
  await writeSettings(path.join(userDataDirectory, 'Machine', 'settings.json'), settings);
  // Its own config file keeps code-server from writing one into ~/.config/code-server.
  const configFile = path.join(temporaryDirectory, 'config.yaml');
  await fs.writeFile(configFile, 'auth: none\n');

  for (const vsix of installExtensions) {
    const installed = spawnSync(nodeBinary, [
      codeServerEntry, '--config', configFile, '--user-data-dir', userDataDirectory, '--extensions-dir', extensionsDirectory, '--install-extension', vsix,
    ], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
    if (installed.status !== 0) {
      await fs.rm(temporaryDirectory, { recursive: true, force: true });
      throw new Error(`code-server --install-extension ${vsix} failed (${installed.status ?? installed.signal}):\n${installed.stdout}${installed.stderr}`);
    }
  }

  const port = await freePort();
  const args = [
    codeServerEntry,
    '--config', configFile,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--user-data-dir', userDataDirectory,
    '--extensions-dir', extensionsDirectory,
    '--vscode-option', 'enable-smoke-test-driver',
    ...(disableWorkspaceTrust ? ['--disable-workspace-trust'] : []),
  ];
  const child = spawn(nodeBinary, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const logLines = [];
  const keepLines = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      logLines.push(line);
      if (logLines.length > keptLogLines) logLines.shift();
    }
  };
  child.stdout.on('data', keepLines);
  child.stderr.on('data', keepLines);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let running = true;
  void exited.then(() => (running = false));

  // If the test process dies first, the group must not outlive it.
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const killOnExit = () => killGroup('SIGKILL');
  process.once('exit', killOnExit);

  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    process.removeListener('exit', killOnExit);
    killGroup('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), delay(stopTimeoutMs).then(() => false)]);
    // Stragglers (extension host, file watcher) are killed with the group even when the server exited.
    killGroup('SIGKILL');
    if (!stopped) await Promise.race([exited, delay(stopTimeoutMs)]);
    await fs.rm(temporaryDirectory, { recursive: true, force: true, maxRetries: 3 });
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilListening(url, () => running, () => logLines.join('\n'));
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    port,
    url,
    userDataDirectory,
    extensionsDirectory,
    /** The last lines code-server printed (its own log and the extension host's crashes). */
    log: () => logLines.join('\n'),
    /** Copies the server side's log folder (remote extension host, server) to `target`. */
    async saveServerLogs(target) {
      await fs.cp(path.join(userDataDirectory, 'logs'), target, { recursive: true }).catch(() => undefined);
    },
    dispose,
  };
}

/** A vscode-remote:// URI for a path on this machine, as the page at `port` names it. */
export function remoteUri(port, absolutePath) {
  return `vscode-remote://127.0.0.1:${port}${absolutePath.split(path.sep).map(encodeURIComponent).join('/')}`;
}

/**
 * The workbench URL opening `folder`; with `extensionDevelopmentPath` the extension loads from
 * that folder, and with `extensionTestsPath` the extension host runs that tests index.
 */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const query = new URLSearchParams();
  if (folder) query.set('folder', folder);
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(server.port, extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(server.port, extensionTestsPath)]);
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${server.url}/?${query.toString()}`;
}

async function writeSettings(file, settings) {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify(settings, null, 2) + '\n');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilListening(url, isRunning, log) {
  const deadline = Date.now() + listenTimeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning()) throw new Error(`code-server exited before it listened on ${url}. Its output:\n${log()}`);
    if (await answers(`${url}/healthz`)) return;
    await delay(200);
  }
  throw new Error(`code-server did not listen on ${url} within ${listenTimeoutMs / 1000} s. Its output:\n${log()}`);
}

function answers(url) {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.setTimeout(2_000, () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
