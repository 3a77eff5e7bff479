// Test fixtures shared by the integration and e2e tiers: the workspace folder VS Code opens
// (test/.generated/workspace/: a screenshot-like PNG, a small PNG, a JPEG and a corrupt PNG) and the
// tiny synthetic model pair the user settings point at. Uses the compiled fixture writers in out/,
// so `npm run compile` must have run.
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { repositoryRoot, workspaceDirectory } from './paths.mjs';

const require = createRequire(import.meta.url);

function requireCompiled(relativePath) {
  const modulePath = path.join(repositoryRoot, 'out', relativePath);
  if (!existsSync(modulePath)) throw new Error(`${modulePath} is missing: run \`npm run compile\` first.`);
  return require(modulePath);
}

/** The files prepareWorkspace() writes, by name. */
export const workspaceFiles = {
  screenshot: 'screenshot.png',
  quadrants: 'quadrants.png',
  photo: 'photo.jpg',
  corrupt: 'corrupt.png',
};

/** Writes the fixture workspace afresh (files a previous run or test left are removed). */
export async function prepareWorkspace(directory = workspaceDirectory) {
  const { writeTestImage } = requireCompiled('test/fixtures/images.js');
  await fs.rm(directory, { recursive: true, force: true });
  await fs.mkdir(directory, { recursive: true });
  await writeTestImage(path.join(directory, workspaceFiles.screenshot), { width: 800, height: 500, format: 'png', pattern: 'screenshot' });
  await writeTestImage(path.join(directory, workspaceFiles.quadrants), { width: 64, height: 64, format: 'png', pattern: 'quadrants' });
  await writeTestImage(path.join(directory, workspaceFiles.photo), { width: 320, height: 240, format: 'jpeg', pattern: 'halves' });
  // A PNG signature followed by bytes that are no PNG chunk at all.
  const garbage = Buffer.alloc(512);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 73 + 41) & 0xff;
  await fs.writeFile(path.join(directory, workspaceFiles.corrupt), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), garbage]));
  return directory;
}

/** The tiny-llava model + projector pair under test/.generated/models/ (written once, then reused). */
export async function prepareTinyModel() {
  const { ensureSyntheticPair, testModelsDirectory } = requireCompiled('test/fixtures/gguf/presets.js');
  const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
  return { modelPath: pair.modelPath, mmprojPath: pair.mmprojPath };
}

/** User settings that point Glimpse at the tiny model, on two threads (the CI machine has two cores). */
export async function tinyModelSettings() {
  const { modelPath, mmprojPath } = await prepareTinyModel();
  return { 'glimpse.modelPath': modelPath, 'glimpse.mmprojPath': mmprojPath, 'glimpse.threads': 2 };
}
