// src/core/regularFile.ts, the generic part under image reading (and, later, the GGUF header
// reader): what it reports for each kind of path, that opening never waits on a FIFO even when one
// is swapped in after the stat, and that a file whose size is not what stat said is refused rather
// than read short or long. Kept beside the image tests, whose reading it is.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  RegularFileError,
  describePathKind,
  openCheckedHandle,
  openRegularFile,
  readOpenedFile,
  readRegularFile,
  type PathKind,
  type RegularFileProblem,
} from '../../../src/core/regularFile';

/** Awaits a RegularFileError and returns its problem. */
async function problemOf(promise: Promise<unknown>): Promise<RegularFileProblem> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RegularFileError, `expected a RegularFileError, got ${String(error)}`);
    return error.problem;
  }
  assert.fail('expected a RegularFileError');
}

describe('regularFile', function () {
  this.timeout(5000);
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-regular-file-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads a regular file whole, byte for byte', async () => {
    const file = path.join(dir, 'bytes.bin');
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    await fs.writeFile(file, bytes);
    assert.deepEqual(await readRegularFile(file, 3000), bytes);
  });

  it('reads an empty file as no bytes (what an empty file means is the caller’s to say)', async () => {
    const file = path.join(dir, 'empty.bin');
    await fs.writeFile(file, '');
    assert.equal((await readRegularFile(file, 10)).length, 0);
  });

  it('refuses a file one byte over maxBytes from its size, before opening it', async () => {
    const file = path.join(dir, 'eleven.bin');
    await fs.writeFile(file, Buffer.alloc(11));
    assert.deepEqual(await problemOf(readRegularFile(file, 10)), { reason: 'too-large', sizeBytes: 11, limitBytes: 10 });
  });

  it('names what a path is when it is not a regular file', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = path.join(dir, 'kinds.fifo');
    execFileSync('mkfifo', [fifo]);
    const cases: ReadonlyArray<[string, PathKind, string]> = [
      [fifo, 'fifo', 'a FIFO (named pipe)'],
      ['/dev/null', 'character-device', 'a character device'],
      [dir, 'folder', 'a folder'],
    ];
    for (const [filePath, kind, description] of cases) {
      assert.deepEqual(await problemOf(openRegularFile(filePath)), { reason: 'not-regular', kind }, filePath);
      assert.equal(describePathKind(kind), description);
    }
  });

  it('opens a FIFO swapped in after the stat without waiting for a writer, and refuses it', async function () {
    if (process.platform === 'win32') this.skip();
    // openCheckedHandle is the step after the stat: given a FIFO here, as a race would give it,
    // a blocking open would wait for a writer until the timeout.
    const fifo = path.join(dir, 'swapped-in.fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    assert.deepEqual(await problemOf(openCheckedHandle(fifo)), { reason: 'not-regular', kind: 'fifo' });
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  it('reports a missing file, and a path through a file, as missing', async () => {
    const file = path.join(dir, 'plain.txt');
    await fs.writeFile(file, 'x');
    for (const filePath of [path.join(dir, 'nothing-here.png'), path.join(file, 'below-a-file.png')]) {
      const problem = await problemOf(readRegularFile(filePath, 100));
      assert.equal(problem.reason, 'missing', filePath);
    }
  });

  describe('a file whose size is not what stat said', () => {
    async function readWithStatedSize(actualBytes: number, statedBytes: number, maxBytes: number): Promise<RegularFileProblem> {
      const file = path.join(dir, `sized-${actualBytes}-${statedBytes}-${maxBytes}.bin`);
      await fs.writeFile(file, Buffer.alloc(actualBytes, 1));
      const { handle } = await openRegularFile(file);
      try {
        return await problemOf(readOpenedFile(file, handle, statedBytes, maxBytes));
      } finally {
        await handle.close();
      }
    }

    it('shorter than stat said (cut meanwhile, or a short read): changed, with what was found', async () => {
      assert.deepEqual(await readWithStatedSize(100, 200, 1000), { reason: 'changed', statedBytes: 200, foundBytes: 100 });
    });

    it('longer than stat said (still being written): changed, with its size now', async () => {
      assert.deepEqual(await readWithStatedSize(100, 50, 1000), { reason: 'changed', statedBytes: 50, foundBytes: 100 });
    });

    it('grown past maxBytes: too large, with its size now (read only one byte past what stat said)', async () => {
      assert.deepEqual(await readWithStatedSize(100, 50, 80), { reason: 'too-large', sizeBytes: 100, limitBytes: 80 });
    });
  });
});
