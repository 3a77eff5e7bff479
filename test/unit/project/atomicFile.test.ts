// The one atomic file write (core/atomicFile.ts) the history and a pair's manifest use: the new
// content replaces the old with no temp file left over, and a missing folder is recreated only
// when the caller asks (the history) and is an error otherwise (a pair folder that vanished).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../../src/core/atomicFile';

describe('writeFileAtomic', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-atomic-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('replaces the content and leaves only the target in the folder', async () => {
    const target = path.join(root, 'glimpse-pair.json');
    await writeFileAtomic(target, 'old');
    await writeFileAtomic(target, Buffer.from('new'));
    assert.equal(fs.readFileSync(target, 'utf8'), 'new');
    assert.deepEqual(fs.readdirSync(root), ['glimpse-pair.json']);
  });

  it('refuses a missing folder unless asked to recreate it', async () => {
    const target = path.join(root, 'gone', 'c1.json');
    await assert.rejects(writeFileAtomic(target, '{}'), { code: 'ENOENT' });
    assert.equal(fs.existsSync(path.dirname(target)), false);
    await writeFileAtomic(target, '{}', { recreateFolder: true });
    assert.equal(fs.readFileSync(target, 'utf8'), '{}');
  });
});
