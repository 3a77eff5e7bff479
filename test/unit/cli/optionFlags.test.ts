// The command line's wording of a core error: the core's message (which names no setting), then
// the flags that change what it names; `glimpse doctor` words its failed checks the same way.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDoctor } from '../../../src/cli/doctor';
import { cliErrorText } from '../../../src/cli/optionFlags';
import { locateServer } from '../../../src/core/engine/locateServer';
import { GlimpseError } from '../../../src/core/errors';
import { checkModelPair } from '../../../src/core/models/pairCheck';
import { failureOf } from '../../fixtures/glimpseErrors';

async function doctorLines(options: Parameters<typeof runDoctor>[0]): Promise<string[]> {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await runDoctor(options);
  } finally {
    process.stdout.write = write;
  }
  return out.split('\n');
}

describe('command-line wording of core errors', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-option-flags-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a llama-server path that does not exist names --server, not the editor setting', async () => {
    const missing = path.join(dir, 'llama-server');
    const failure = await failureOf(locateServer(missing, { cacheRoot: path.join(dir, 'cache') }));
    assert.equal(
      cliErrorText(failure),
      `The llama-server path you set does not exist: ${missing}. Fix it, or clear it to use the engine that comes with Glimpse. Flag: --server <file>.`,
    );
  });

  it('a model file that does not exist names --model', async () => {
    const missing = path.join(dir, 'model.gguf');
    const failure = await failureOf(checkModelPair({ modelPath: missing, mmprojPath: path.join(dir, 'mmproj.gguf') }));
    assert.equal(
      cliErrorText(failure),
      `The model file model.gguf does not exist: ${missing}. Check the path, or download the file again. Flag: --model <file> (or GLIMPSE_MODEL).`,
    );
  });

  it('a model that cannot see names --mmproj even when the refusal came as plain text', () => {
    const blind = new GlimpseError('model-no-vision', 'The model tiny has no projector (mmproj), so it cannot see images.');
    assert.equal(cliErrorText(blind), 'The model tiny has no projector (mmproj), so it cannot see images. Flag: --mmproj <file> (or GLIMPSE_MMPROJ).');
  });

  it('adds nothing for an option the command line cannot set', () => {
    const tooLarge = new GlimpseError('image-too-large-file', 'big.png is 60 MB, over the 50 MB limit for images.', { optionsToChange: ['maxImageMegabytes'] });
    assert.equal(cliErrorText(tooLarge), 'big.png is 60 MB, over the 50 MB limit for images.');
    const both = new GlimpseError('context-full', 'Full.', { optionsToChange: ['maxTokens', 'contextSize'] });
    assert.equal(cliErrorText(both), 'Full. Flags: --max-tokens <n>, --ctx <n>.');
  });

  it('doctor names --server for a wrong engine path and --model / --mmproj when no model is given', async () => {
    const missing = path.join(dir, 'no-such-server');
    const lines = await doctorLines({ serverPath: missing });
    assert.ok(lines.includes(`✗ engine: The llama-server path you set does not exist: ${missing}. Fix it, or clear it to use the engine that comes with Glimpse. Flag: --server <file>.`), lines.join('\n'));
    assert.ok(lines.includes('✗ model: No model given: name the model file and its projector file. Flags: --model <file> (or GLIMPSE_MODEL), --mmproj <file> (or GLIMPSE_MMPROJ).'), lines.join('\n'));
    assert.ok(lines.every((line) => !line.includes('glimpse.')), lines.join('\n'));
  });
});
