// prepareImage and the crop preview given paths that are not regular image files: a FIFO with no
// writer, a symbolic link to one, /dev/zero, /dev/urandom, a socket, a folder, a sparse file over
// the size limit, a file whose size is not what stat says. Each used to hang the extension host or
// read without end; each must now be refused, by name, at once. The short timeout is the check
// that nothing blocks: a hang fails the test instead of stalling the run for a minute.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { cropPreview } from '../../../src/core/images/crop';
import { prepareImage } from '../../../src/core/images/prepare';
import { rejectsWith } from '../../fixtures/glimpseErrors';

const budget = { maxLongSide: 1344 };
const notRegularAdvice = 'not a regular file. Glimpse reads images only from regular files: save the image to a file and attach that.';

describe('prepareImage refuses paths that are not regular files, without blocking', function () {
  this.timeout(5000);
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-not-regular-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  function makeFifo(name: string): string {
    const fifo = path.join(dir, name);
    execFileSync('mkfifo', [fifo]);
    return fifo;
  }

  it('a FIFO with no writer, named as one', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = makeFifo('screenshot.png');
    await assert.rejects(prepareImage({ path: fifo }, budget), rejectsWith('image-unreadable', `The image ${fifo} is a FIFO (named pipe), ${notRegularAdvice}`));
  });

  it('a symbolic link to a FIFO, named as the FIFO it leads to', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = makeFifo('pipe-target');
    const link = path.join(dir, 'link-to-pipe.png');
    await fs.symlink(fifo, link);
    await assert.rejects(prepareImage({ path: link }, budget), rejectsWith('image-unreadable', `The image ${link} is a FIFO (named pipe), not a regular file.`));
  });

  it('the crop preview of a FIFO, the same way', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = makeFifo('crop-me.png');
    await assert.rejects(cropPreview({ path: fifo }), rejectsWith('image-unreadable', `The image ${fifo} is a FIFO (named pipe), not a regular file.`));
  });

  for (const device of ['/dev/zero', '/dev/urandom']) {
    it(`${device}, a character device that never ends`, async function () {
      if (process.platform === 'win32') this.skip();
      await assert.rejects(prepareImage({ path: device }, budget), rejectsWith('image-unreadable', `The image ${device} is a character device, ${notRegularAdvice}`));
    });
  }

  it('a Unix socket', async function () {
    if (process.platform === 'win32') this.skip();
    const socketPath = path.join(dir, 'image.sock');
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
    try {
      await assert.rejects(prepareImage({ path: socketPath }, budget), rejectsWith('image-unreadable', `The image ${socketPath} is a socket, ${notRegularAdvice}`));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a folder, with what to attach instead', async () => {
    await assert.rejects(
      prepareImage({ path: dir }, budget),
      rejectsWith('image-unreadable', `The image ${dir} is a folder, not a file. Attach an image file from inside it.`),
    );
  });

  it('a (sparse) file over the size limit, from its size, without reading it', async () => {
    const huge = path.join(dir, 'huge.png');
    await fs.writeFile(huge, '');
    await fs.truncate(huge, 60 * 1024 * 1024); // a hole: no disk used, 60 MB of zeros if read
    await assert.rejects(
      prepareImage({ path: huge }, budget),
      rejectsWith('image-too-large-file', 'huge.png is 60 MB, over the 50 MB limit for images. Crop or shrink it, or raise the image size limit.'),
    );
  });

  it('a file whose size stat does not give (a /proc file, 0 bytes by stat), as changed while read', async function () {
    if (process.platform !== 'linux') this.skip();
    await assert.rejects(
      prepareImage({ path: '/proc/self/status' }, budget),
      rejectsWith(
        'image-unreadable',
        'The image /proc/self/status changed while Glimpse was reading it: it was 0 bytes when checked and had grown when read. ' +
          'If it is still being saved, wait until it is finished, then attach it again.',
      ),
    );
  });

  it('a path through a file (ENOTDIR) as missing', async () => {
    const file = path.join(dir, 'plain.txt');
    await fs.writeFile(file, 'x');
    const inside = path.join(file, 'shot.png');
    await assert.rejects(prepareImage({ path: inside }, budget), rejectsWith('image-missing', `The image ${inside} was not found.`));
  });
});
