// Finding the projector next to a model: the one that fits wins, whatever the names suggest;
// those that do not fit are reported with their reason.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findProjectorFor } from '../../../src/core/models/findProjector';
import { writeMismatchedProjector } from '../../fixtures/gguf/badFiles';
import { ensureSyntheticPair, testModelsDirectory } from '../../fixtures/gguf/presets';

describe('findProjectorFor', () => {
  let folder: string;
  let model: string;
  let goodProjector: string;

  before(async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-find-mmproj-'));
    model = path.join(folder, 'tiny-llava-Q8_0.gguf');
    fs.copyFileSync(pair.modelPath, model);
    goodProjector = path.join(folder, 'mmproj-other-name.gguf');
    fs.copyFileSync(pair.mmprojPath, goodProjector);
    // A projector whose name matches the model better, but whose width (128) does not fit (64).
    const wrong = await writeMismatchedProjector(fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-wrong-')));
    fs.copyFileSync(wrong, path.join(folder, 'mmproj-tiny-llava-Q8_0.gguf'));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a model');
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('picks the projector that fits the model, reporting the one that does not', async () => {
    const search = await findProjectorFor(model);
    assert.equal(search.found?.mmprojPath, goodProjector);
    assert.equal(search.found?.pair.vision && search.found.pair.vision.projectionWidth, 64);
    assert.deepEqual(search.rejected.map((r) => path.basename(r.mmprojPath)), ['mmproj-tiny-llava-Q8_0.gguf']);
    assert.match(search.rejected[0].reason, /128-wide embeddings, the model expects 64/);
  });

  it('finds nothing in a folder without projectors', async () => {
    const lonely = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-lonely-'));
    fs.copyFileSync(model, path.join(lonely, 'model.gguf'));
    const search = await findProjectorFor(path.join(lonely, 'model.gguf'));
    fs.rmSync(lonely, { recursive: true, force: true });
    assert.deepEqual(search, { rejected: [] });
  });
});
