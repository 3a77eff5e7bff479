// A pair folder's manifest is read back only when it matches its schema: a manifest as Glimpse
// writes it reads back the same; a missing, unparsable or damaged one reads as no manifest.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pairManifestName, readPairManifest, writePairManifest, type PairManifest } from '../../../src/core/models/download/pairManifest';

const manifest: PairManifest = {
  formatVersion: 1,
  id: 'smolvlm-500m-instruct-q8',
  displayName: 'SmolVLM 500M Instruct',
  architecture: 'llama',
  projectorType: 'idefics3',
  quantization: 'Q8_0',
  repo: 'ggml-org/SmolVLM-500M-Instruct-GGUF',
  revision: 'main',
  source: 'https://huggingface.co',
  contextSize: 8192,
  installedAt: '2025-01-01T00:00:00.000Z',
  model: { file: 'SmolVLM-500M-Instruct-Q8_0.gguf', sizeBytes: 436806912, sha256: 'a'.repeat(64), sha256Source: 'catalog' },
  projector: { file: 'mmproj-SmolVLM-500M-Instruct-Q8_0.gguf', sizeBytes: 108783360, sha256: 'b'.repeat(64), sha256Source: 'computed' },
};

describe('pair manifest', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-manifest-'));
  });
  afterEach(async () => {
    await fs.rm(folder, { recursive: true, force: true });
  });

  /** Writes `value` as the folder's manifest and reads it back. */
  async function readBack(value: unknown): Promise<PairManifest | undefined> {
    await fs.writeFile(path.join(folder, pairManifestName), JSON.stringify(value));
    return readPairManifest(folder);
  }

  it('reads back what it wrote', async () => {
    await writePairManifest(folder, manifest);
    assert.deepEqual(await readPairManifest(folder), manifest);
  });

  it('reads a manifest without the optional projector type, and one with a field a later version added', async () => {
    const { projectorType: _omitted, ...withoutType } = manifest;
    assert.deepEqual(await readBack(withoutType), withoutType);
    assert.deepEqual(await readBack({ ...manifest, addedLater: true }), manifest);
  });

  it('reads no manifest from a folder without one, or from half-written JSON', async () => {
    assert.equal(await readPairManifest(folder), undefined);
    await fs.writeFile(path.join(folder, pairManifestName), '{"formatVersion": 1, "id": "x"');
    assert.equal(await readPairManifest(folder), undefined);
  });

  for (const [what, broken] of [
    ['another format version', { ...manifest, formatVersion: 2 }],
    ['a list', [manifest]],
    ['no display name', { ...manifest, displayName: undefined }],
    ['an id that is not text', { ...manifest, id: 7 }],
    ['no installation time', { ...manifest, installedAt: undefined }],
    ['a context size given as text', { ...manifest, contextSize: '8192' }],
    ['no projector', { ...manifest, projector: undefined }],
    ['a model file in a sub-folder', { ...manifest, model: { ...manifest.model, file: '../model.gguf' } }],
    ['an empty file name', { ...manifest, projector: { ...manifest.projector, file: '' } }],
    ['a fractional size', { ...manifest, model: { ...manifest.model, sizeBytes: 1.5 } }],
    ['a negative size', { ...manifest, model: { ...manifest.model, sizeBytes: -1 } }],
    ['an upper-case hash', { ...manifest, model: { ...manifest.model, sha256: 'A'.repeat(64) } }],
    ['an unknown hash source', { ...manifest, projector: { ...manifest.projector, sha256Source: 'guessed' } }],
  ] as const) {
    it(`reads no manifest from one with ${what}`, async () => {
      assert.equal(await readBack(broken), undefined);
    });
  }
});
