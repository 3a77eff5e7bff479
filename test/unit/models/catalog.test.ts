// The bundled models/catalog.json validates against the schema and holds the pairs the product
// promises; the validator refuses each kind of broken entry with a message that names it.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GlimpseError } from '../../../src/core/errors';
import {
  bundledCatalogPath,
  catalogLimits,
  defaultCatalogEntry,
  findCatalogEntry,
  loadCatalog,
  validateCatalog,
  type ModelCatalog,
} from '../../../src/core/models/catalog';
import { fileUrl, normalizeBaseUrl } from '../../../src/core/models/download/downloadPair';
import { presetShapes, syntheticPresetNames } from '../../fixtures/gguf/presets';

const repositoryRoot = path.resolve(__dirname, '../../../..');
const catalogFile = bundledCatalogPath(repositoryRoot);

function rawCatalog(): { formatVersion: number; entries: Array<Record<string, any>> } {
  return JSON.parse(readFileSync(catalogFile, 'utf8'));
}

function refusal(mutate: (catalog: ReturnType<typeof rawCatalog>) => void, ...fragments: string[]): void {
  const catalog = rawCatalog();
  mutate(catalog);
  assert.throws(
    () => validateCatalog(catalog),
    (error: unknown) => {
      assert.ok(error instanceof GlimpseError, String(error));
      assert.equal(error.code, 'catalog-invalid');
      const text = `${error.message}\n${error.detail ?? ''}`;
      for (const fragment of fragments) assert.ok(text.includes(fragment), `should mention "${fragment}": ${text}`);
      return true;
    },
  );
}

describe('model catalog', () => {
  let catalog: ModelCatalog;

  before(async () => {
    catalog = await loadCatalog(catalogFile);
  });

  it('models/catalog.json validates', () => {
    assert.ok(catalog.entries.length >= 13);
  });

  it('holds the pairs the issue lists, each with a model and a different projector file', () => {
    const repos = catalog.entries.map((entry) => entry.repo);
    for (const repo of [
      'ggml-org/SmolVLM-256M-Instruct-GGUF',
      'ggml-org/SmolVLM-500M-Instruct-GGUF',
      'ggml-org/Qwen2-VL-2B-Instruct-GGUF',
      'ggml-org/Qwen2.5-VL-3B-Instruct-GGUF',
      'ggml-org/Qwen2.5-VL-7B-Instruct-GGUF',
      'mys/ggml_llava-v1.5-7b',
      'xtuner/llava-llama-3-8b-v1_1-gguf',
      'ggml-org/gemma-3-4b-it-GGUF',
      'Qwen/Qwen3-VL-2B-Instruct-GGUF',
      'Qwen/Qwen3-VL-4B-Instruct-GGUF',
      'ggml-org/SmolVLM2-2.2B-Instruct-GGUF',
      'ggml-org/SmolVLM2-500M-Video-Instruct-GGUF',
      'unsloth/gemma-4-E4B-it-GGUF',
    ]) {
      assert.ok(repos.includes(repo), `missing ${repo}`);
    }
    for (const entry of catalog.entries) {
      assert.match(entry.model.file, /\.gguf$/);
      assert.match(entry.projector.file, /\.gguf$/);
      assert.notEqual(entry.model.file, entry.projector.file);
      assert.match(entry.projector.file, /mmproj/i, `${entry.id}: the projector file should be an mmproj`);
      assert.doesNotMatch(entry.model.file, /mmproj/i, `${entry.id}: the model file should not be an mmproj`);
    }
  });

  it('every entry\'s text architecture and projector type has a tiny synthetic pair that an engine test loads', () => {
    const engineTests = readdirSync(path.join(repositoryRoot, 'test', 'engine'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(path.join(repositoryRoot, 'test', 'engine', file), 'utf8'))
      .join('\n');
    const tiny = syntheticPresetNames.filter((name) => name.startsWith('tiny-')).map((name) => ({ name, shapes: presetShapes(name) }));
    for (const entry of rawCatalog().entries) {
      const matching = tiny.filter(({ shapes }) => shapes.projector.projectorType === entry.projectorType && shapes.text.architecture === entry.architecture);
      assert.ok(matching.length > 0, `${entry.id}: no tiny synthetic pair of a ${entry.architecture} model with a ${entry.projectorType} projector in test/fixtures/gguf/presets.ts`);
      assert.ok(matching.some(({ name }) => engineTests.includes(`'${name}'`)), `${entry.id}: no engine test loads ${matching.map(({ name }) => name).join(' or ')}`);
    }
  });

  it('names each model file once: the engine finds an entry\'s context by its model file name (a projector name such as mmproj-F16.gguf may repeat, each pair has its own folder)', () => {
    const names = catalog.entries.map((entry) => entry.model.file.toLowerCase());
    assert.deepEqual(names.filter((name, index) => names.indexOf(name) !== index), []);
  });

  it('has unique ids and exactly one default, the small SmolVLM 500M', () => {
    const ids = catalog.entries.map((entry) => entry.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(catalog.entries.filter((entry) => entry.default).length, 1);
    assert.equal(defaultCatalogEntry(catalog).repo, 'ggml-org/SmolVLM-500M-Instruct-GGUF');
    assert.equal(findCatalogEntry(catalog, defaultCatalogEntry(catalog).id), defaultCatalogEntry(catalog));
    assert.equal(findCatalogEntry(catalog, 'no-such-model'), undefined);
  });

  it('has sane sizes: within limits, RAM estimate above the files, unconfirmed facts explained in a note', () => {
    for (const entry of catalog.entries) {
      const files = entry.model.sizeBytes + entry.projector.sizeBytes;
      assert.ok(entry.model.sizeBytes >= catalogLimits.minModelBytes && entry.model.sizeBytes <= catalogLimits.maxFileBytes, entry.id);
      assert.ok(entry.projector.sizeBytes >= catalogLimits.minProjectorBytes, entry.id);
      assert.ok(entry.ramEstimateMb * 1024 * 1024 >= files, `${entry.id}: the RAM estimate is below the files`);
      assert.ok(entry.ramEstimateMb * 1024 * 1024 < files * 4, `${entry.id}: the RAM estimate is implausibly high`);
      // Without a published hash, nothing checks the file but its size: say whether that size is known.
      if (!entry.model.sha256 || !entry.projector.sha256) {
        assert.ok(entry.note, `${entry.id}: an entry without published hashes says why in its note`);
      }
      if (entry.model.sizeApproximate || entry.projector.sizeApproximate) assert.ok(entry.note, `${entry.id}: approximate sizes are explained`);
    }
    const smol = findCatalogEntry(catalog, 'smolvlm-500m-instruct-q8');
    assert.equal(smol?.model.sizeBytes, 436806912);
    assert.equal(smol?.projector.sizeBytes, 108783360);
  });

  it('builds the Hugging Face resolve URL of each file', () => {
    const entry = defaultCatalogEntry(catalog);
    assert.equal(
      fileUrl(normalizeBaseUrl('https://huggingface.co'), entry.repo, entry.revision ?? 'main', entry.projector.file).href,
      'https://huggingface.co/ggml-org/SmolVLM-500M-Instruct-GGUF/resolve/main/mmproj-SmolVLM-500M-Instruct-Q8_0.gguf',
    );
    assert.equal(
      fileUrl(normalizeBaseUrl('http://mirror.local:8080/hf/'), 'a/b', 'main', 'x.gguf').href,
      'http://mirror.local:8080/hf/a/b/resolve/main/x.gguf',
    );
  });

  describe('validateCatalog refuses', () => {
    it('a duplicate id', () => refusal((c) => (c.entries[1].id = c.entries[0].id), 'the id is used by another entry'));
    it('two defaults', () => refusal((c) => (c.entries[1].default = true), 'exactly one entry', 'found 2'));
    it('no default', () => refusal((c) => c.entries.forEach((entry) => (entry.default = false)), 'exactly one entry', 'found 0'));
    it('an entry without a projector', () => refusal((c) => delete c.entries[2].projector, 'projector is missing'));
    it('the same file as model and projector', () => refusal((c) => (c.entries[0].projector.file = c.entries[0].model.file), 'must be different files'));
    it('a size in megabytes instead of bytes', () => refusal((c) => (c.entries[0].model.sizeBytes = 437), 'model: sizeBytes is 437, outside the sane range'));
    it('a size that is not a whole number', () => refusal((c) => (c.entries[0].projector.sizeBytes = '108783360'), 'projector: sizeBytes must be a whole number'));
    it('a malformed sha256', () => refusal((c) => (c.entries[0].model.sha256 = 'ABC'), 'sha256 must be 64 lowercase hex digits'));
    it('a file name that leaves the folder', () => refusal((c) => (c.entries[0].model.file = '../evil.gguf'), 'model: file must be a .gguf file name'));
    it('an id that is not a folder name', () => refusal((c) => (c.entries[0].id = 'Smol/VLM'), 'id must be lowercase'));
    it('a misspelt field', () => refusal((c) => (c.entries[0].licenses = 'MIT'), 'unknown field "licenses"'));
    it('a RAM estimate below the files', () => refusal((c) => (c.entries[4].ramEstimateMb = 300), 'is below the size of the files'));
    it('a missing goodAt text', () => refusal((c) => (c.entries[0].goodAt = ' '), 'goodAt must be a non-empty string'));
    it('a wrong format version', () => refusal((c) => (c.formatVersion = 2), 'formatVersion must be 1'));
    it('two misspelt fields, naming both', () => refusal((c) => Object.assign(c.entries[0], { licenses: 'MIT', godAt: 'x' }), 'unknown field "licenses"', 'unknown field "godAt"'));
    it('a misspelt field of a file', () => refusal((c) => (c.entries[0].model.sha265 = 'x'), 'model: unknown field "sha265"'));
    it('a missing field', () => refusal((c) => delete c.entries[0].quantization, 'quantization is missing'));
    it('a field of the wrong type', () => refusal((c) => (c.entries[0].default = 'yes'), 'default must be true or false'));
    it('a blank optional text', () => refusal((c) => (c.entries[0].note = ''), 'note must be a non-empty string when present'));
    it('a revision that is no git name', () => refusal((c) => (c.entries[0].revision = 'main branch'), 'revision must be a branch, tag or commit name'));
    it('a repo that is not owner/name', () => refusal((c) => (c.entries[0].repo = 'SmolVLM'), 'repo must be "owner/name"'));
    it('an approximate flag that is not true or false', () => refusal((c) => (c.entries[0].projector.sizeApproximate = 1), 'projector: sizeApproximate must be true or false'));
    it('an entry that is not an object, naming it by its index', () => refusal((c) => (c.entries[3] = 'qwen' as any), 'entry 3: must be an object'));
    it('no entries', () => refusal((c) => (c.entries = []), 'entries must be a non-empty array'));
    it('a top level that is not an object', () => {
      for (const value of [[], null, 'catalog']) assert.throws(() => validateCatalog(value), /not valid: the top level must be an object\. /);
    });
    it('a file given as a list', () => refusal((c) => (c.entries[0].model = [c.entries[0].model.file]), 'model must be an object'));

    it('with a message that says where the problem is and what to do', () => {
      const c = rawCatalog();
      c.entries[0].model.sizeBytes = 437;
      assert.throws(() => validateCatalog(c, 'The model catalog x.json'), (error: GlimpseError) => {
        assert.equal(error.message, `The model catalog x.json is not valid: entry "${c.entries[0].id}": model: sizeBytes is 437, outside the sane range ${catalogLimits.minModelBytes}–${catalogLimits.maxFileBytes}. Fix the file or reinstall the extension.`);
        return true;
      });
    });

    it('and counts every problem, not only the first', () => {
      const c = rawCatalog();
      c.entries[0].model.sha256 = 'x';
      c.entries[1].contextSize = 10;
      assert.throws(() => validateCatalog(c), (error: GlimpseError) => error.message.includes('and 1 more problem') && (error.detail ?? '').includes('contextSize is 10'));
    });
  });
});
