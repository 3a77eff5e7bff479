// listInstalledPairs counts a folder only when its manifest is valid and both files it names have
// the recorded sizes; deletePair removes a pair (partials included) and refuses ids that are not
// plain folder names.

import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GlimpseError } from '../../../src/core/errors';
import { pairManifestName, writePairManifest, type PairManifest } from '../../../src/core/models/download/pairManifest';
import { deletePair, findInstalledPair, listInstalledPairs } from '../../../src/core/models/installedModels';

const sha = (digit: string) => digit.repeat(64);

function manifestFor(id: string, displayName: string, modelBytes: number, projectorBytes: number): PairManifest {
  return {
    formatVersion: 1,
    id,
    displayName,
    architecture: 'llama',
    quantization: 'Q8_0',
    repo: 'org/repo',
    revision: 'main',
    source: 'https://huggingface.co',
    contextSize: 4096,
    installedAt: '2025-01-01T00:00:00.000Z',
    model: { file: 'model.gguf', sizeBytes: modelBytes, sha256: sha('a'), sha256Source: 'catalog' },
    projector: { file: 'mmproj.gguf', sizeBytes: projectorBytes, sha256: sha('b'), sha256Source: 'computed' },
  };
}

async function writePair(modelsDir: string, id: string, displayName: string, options: { modelBytes?: number; projectorBytes?: number; skip?: 'projector' | 'manifest' } = {}): Promise<string> {
  const folder = path.join(modelsDir, id);
  await fs.mkdir(folder, { recursive: true });
  const modelBytes = options.modelBytes ?? 1000;
  const projectorBytes = options.projectorBytes ?? 300;
  await fs.writeFile(path.join(folder, 'model.gguf'), Buffer.alloc(modelBytes));
  if (options.skip !== 'projector') await fs.writeFile(path.join(folder, 'mmproj.gguf'), Buffer.alloc(projectorBytes));
  if (options.skip !== 'manifest') await writePairManifest(folder, manifestFor(id, displayName, modelBytes, projectorBytes));
  return folder;
}

describe('installed model pairs', () => {
  let modelsDir: string;

  beforeEach(async () => {
    modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-installed-'));
  });

  afterEach(async () => {
    await fs.rm(modelsDir, { recursive: true, force: true });
  });

  it('lists complete pairs with their size and paths, sorted by name', async () => {
    const folder = await writePair(modelsDir, 'zeta', 'Zeta VLM', { modelBytes: 2000, projectorBytes: 500 });
    await writePair(modelsDir, 'alpha', 'Alpha VLM');
    const pairs = await listInstalledPairs(modelsDir);
    assert.deepEqual(
      pairs.map((pair) => [pair.id, pair.sizeBytes]),
      [
        ['alpha', 1300],
        ['zeta', 2500],
      ],
    );
    assert.equal(pairs[1].modelPath, path.join(folder, 'model.gguf'));
    assert.equal(pairs[1].projectorPath, path.join(folder, 'mmproj.gguf'));
    assert.equal(pairs[1].manifest.projector.sha256Source, 'computed');
    assert.equal((await findInstalledPair(modelsDir, 'zeta'))?.displayName, 'Zeta VLM');
  });

  it('ignores a folder without a manifest, with a broken manifest, with a missing or resized file', async () => {
    await writePair(modelsDir, 'complete', 'Complete');
    await writePair(modelsDir, 'no-manifest', 'No manifest', { skip: 'manifest' });
    await writePair(modelsDir, 'no-projector', 'No projector', { skip: 'projector' });
    const resized = await writePair(modelsDir, 'resized', 'Resized');
    await fs.appendFile(path.join(resized, 'model.gguf'), 'x');
    const broken = await writePair(modelsDir, 'broken', 'Broken');
    await fs.writeFile(path.join(broken, pairManifestName), '{"formatVersion": 1, "id": "broken"');
    await fs.writeFile(path.join(modelsDir, 'stray-file.txt'), 'not a pair');

    assert.deepEqual(
      (await listInstalledPairs(modelsDir)).map((pair) => pair.id),
      ['complete'],
    );
    assert.equal(await findInstalledPair(modelsDir, 'no-projector'), undefined);
  });

  it('lists nothing for a folder that does not exist', async () => {
    assert.deepEqual(await listInstalledPairs(path.join(modelsDir, 'absent')), []);
  });

  it('deletes a pair with its partial files, and reports when there was nothing to delete', async () => {
    const folder = await writePair(modelsDir, 'gone', 'Gone');
    await fs.writeFile(path.join(folder, 'other.gguf.partial'), 'partial');
    await writePair(modelsDir, 'kept', 'Kept');
    assert.equal(await deletePair(modelsDir, 'gone'), true);
    assert.ok(!existsSync(folder));
    assert.deepEqual(
      (await listInstalledPairs(modelsDir)).map((pair) => pair.id),
      ['kept'],
    );
    assert.equal(await deletePair(modelsDir, 'gone'), false);
  });

  it('refuses an id that would leave the models folder', async () => {
    await fs.mkdir(path.join(modelsDir, 'inner'));
    for (const id of ['..', '../inner', 'a/b', '']) {
      await assert.rejects(deletePair(path.join(modelsDir, 'inner'), id), (error: unknown) => error instanceof GlimpseError && error.code === 'invalid-argument', id);
    }
    assert.ok(existsSync(path.join(modelsDir, 'inner')));
  });
});
