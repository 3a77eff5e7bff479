// The engine's context: the user's value, else the catalog's for that model file, else 8192.

import assert from 'node:assert/strict';
import path from 'node:path';
import { loadCatalog } from '../../../src/core/models/catalog';
import { catalogEntryForModel, defaultContextSize, engineContextSize } from '../../../src/core/models/contextSize';

const repoRoot = path.resolve(__dirname, '../../../..');

describe('engine context size', () => {
  it('takes the catalog\'s context for a downloaded model, found by its file name wherever it lives', async () => {
    const catalog = await loadCatalog(path.join(repoRoot, 'models', 'catalog.json'));
    const entry = catalog.entries[0];
    const found = catalogEntryForModel(catalog, path.join('/somewhere/else', entry.model.file.toUpperCase()));
    assert.equal(found?.id, entry.id);
    assert.equal(engineContextSize(undefined, found), entry.contextSize);
  });

  it('the user\'s own value wins; 0 means automatic; an unknown model gets 8192', async () => {
    const catalog = await loadCatalog(path.join(repoRoot, 'models', 'catalog.json'));
    const entry = catalog.entries[0];
    assert.equal(engineContextSize(2048, entry), 2048);
    assert.equal(engineContextSize(0, entry), entry.contextSize);
    assert.equal(catalogEntryForModel(catalog, '/models/my-own-model.gguf'), undefined);
    assert.equal(engineContextSize(undefined, undefined), defaultContextSize);
    assert.equal(defaultContextSize, 8192);
  });
});
