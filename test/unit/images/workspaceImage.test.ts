// resolveWorkspaceImage against real folders on disk: what an agent may name (relative, absolute,
// starting with the folder's name, a file:// URI, in a second folder) resolves to the real file,
// and what it must not read (outside the folders, through a ".." or a symbolic link that leaves
// them, with no folder open) is refused as outside the workspace, as are folders, non-images and
// missing files with their own codes, each message naming the path as written.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { isInsideFolder, resolveWorkspaceImage } from '../../../src/core/images/workspaceImage';
import { rejectsWith } from '../../fixtures/glimpseErrors';

describe('resolveWorkspaceImage', () => {
  let base: string;
  /** The workspace folder, under its real path (os.tmpdir may be a link, as on macOS). */
  let root: string;
  let secondRoot: string;
  let outside: string;

  before(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-workspace-image-')));
    root = path.join(base, 'myproject');
    secondRoot = path.join(base, 'docs-folder');
    outside = path.join(base, 'elsewhere');
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336' } }).png().toBuffer();
    for (const dir of [path.join(root, 'src', 'shots'), secondRoot, outside]) await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(root, 'src', 'a.png'), png);
    await fs.writeFile(path.join(secondRoot, 'diagram.png'), png);
    await fs.writeFile(path.join(outside, 'secret.png'), png);
    await fs.writeFile(path.join(root, 'notes.txt'), 'not an image');
    await fs.symlink(path.join(outside, 'secret.png'), path.join(root, 'src', 'leak.png'));
    await fs.symlink(outside, path.join(root, 'linked-out'));
    await fs.symlink(path.join(root, 'src', 'a.png'), path.join(root, 'latest.png'));
  });
  after(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  describe('finds', () => {
    it('a path relative to the workspace folder', async () => {
      assert.deepEqual(await resolveWorkspaceImage('src/a.png', [root]), { path: path.join(root, 'src', 'a.png'), root, relative: 'src/a.png' });
    });

    it('an absolute path inside the folder', async () => {
      const absolute = path.join(root, 'src', 'a.png');
      assert.deepEqual(await resolveWorkspaceImage(absolute, [root]), { path: absolute, root, relative: 'src/a.png' });
    });

    it("a relative path that starts with the folder's own name", async () => {
      assert.deepEqual(await resolveWorkspaceImage('myproject/src/a.png', [root]), { path: path.join(root, 'src', 'a.png'), root, relative: 'src/a.png' });
    });

    it('a file:// URI inside the folder', async () => {
      const uri = pathToFileURL(path.join(root, 'src', 'a.png')).href;
      assert.ok(uri.startsWith('file://'), uri);
      assert.equal((await resolveWorkspaceImage(uri, [root])).relative, 'src/a.png');
    });

    it('a relative path in the second folder when the first has no such file, reporting that folder', async () => {
      const found = await resolveWorkspaceImage('diagram.png', [root, secondRoot]);
      assert.deepEqual(found, { path: path.join(secondRoot, 'diagram.png'), root: secondRoot, relative: 'diagram.png' });
    });

    it('a symbolic link that stays inside the folder, as the file it leads to', async () => {
      assert.deepEqual(await resolveWorkspaceImage('latest.png', [root]), { path: path.join(root, 'src', 'a.png'), root, relative: 'src/a.png' });
    });

    it('a path with surrounding whitespace, as agents sometimes send it', async () => {
      assert.equal((await resolveWorkspaceImage('  src/a.png\n', [root])).relative, 'src/a.png');
    });
  });

  describe('refuses as outside the workspace', () => {
    it('any path when no folder is open', async () => {
      await assert.rejects(
        resolveWorkspaceImage(path.join(root, 'src', 'a.png'), []),
        rejectsWith('image-outside-workspace', 'Open a folder first: Glimpse only reads images inside the workspace folders.'),
      );
    });

    it('a path with a ".." segment, even one that would land back inside', async () => {
      await assert.rejects(resolveWorkspaceImage('src/../src/a.png', [root]), rejectsWith('image-outside-workspace', 'src/../src/a.png contains a ".." segment'));
    });

    it('a ".." segment written with backslashes', async () => {
      await assert.rejects(resolveWorkspaceImage('src\\..\\..\\elsewhere\\secret.png', [root]), rejectsWith('image-outside-workspace', '".." segment'));
    });

    it('a file:// URI with a ".." segment, which URL parsing would otherwise fold away', async () => {
      const uri = `${pathToFileURL(root).href}/src/%2E%2E/src/a.png`;
      await assert.rejects(resolveWorkspaceImage(uri, [root]), rejectsWith('image-outside-workspace', '".." segment'));
    });

    it('an absolute path outside every folder, naming the folders', async () => {
      const secret = path.join(outside, 'secret.png');
      await assert.rejects(
        resolveWorkspaceImage(secret, [root, secondRoot]),
        rejectsWith('image-outside-workspace', `${secret} is outside the workspace folders (${root}, ${secondRoot}).`, 'copy the image into the workspace'),
      );
    });

    it('a missing absolute path outside the folders, the same way (nothing outside is looked at)', async () => {
      const missing = path.join(outside, 'no-such.png');
      await assert.rejects(resolveWorkspaceImage(missing, [root]), rejectsWith('image-outside-workspace', `${missing} is outside the workspace folders`));
    });

    it('a symbolic link inside the folder that leads out, saying it leaves the workspace', async () => {
      await assert.rejects(
        resolveWorkspaceImage('src/leak.png', [root]),
        rejectsWith('image-outside-workspace', 'src/leak.png leaves the workspace through a symbolic link', path.join(outside, 'secret.png')),
      );
    });

    it('a file under a linked folder that leads out', async () => {
      await assert.rejects(resolveWorkspaceImage('linked-out/secret.png', [root]), rejectsWith('image-outside-workspace', 'linked-out/secret.png leaves the workspace'));
    });
  });

  describe('refuses', () => {
    it('a missing file, saying where it looked', async () => {
      await assert.rejects(
        resolveWorkspaceImage('src/gone.png', [root, secondRoot]),
        rejectsWith('image-missing', 'No image was found at src/gone.png', path.join(root, 'src', 'gone.png'), path.join(secondRoot, 'src', 'gone.png')),
      );
    });

    it('a folder', async () => {
      await assert.rejects(resolveWorkspaceImage('src/shots', [root]), rejectsWith('image-unsupported', 'src/shots is a folder, not an image file.'));
    });

    it('a file that is not named as an image, listing the formats read', async () => {
      await assert.rejects(resolveWorkspaceImage('notes.txt', [root]), rejectsWith('image-unsupported', 'notes.txt is not in an image format Glimpse can read.', 'PNG, JPEG'));
    });

    it('an empty path', async () => {
      await assert.rejects(resolveWorkspaceImage('  ', [root]), rejectsWith('invalid-argument', 'No image path was given.'));
    });

    it('a URL that is not a file URI', async () => {
      await assert.rejects(resolveWorkspaceImage('https://example.com/a.png', [root]), rejectsWith('invalid-argument', 'https://example.com/a.png is a URL, not a file.'));
    });
  });
});

describe('isInsideFolder', () => {
  it('takes the folder itself and what lies under it, not a sibling whose name starts the same', () => {
    assert.equal(isInsideFolder('/w/project', '/w/project', 'linux'), true);
    assert.equal(isInsideFolder('/w/project', '/w/project/src/a.png', 'linux'), true);
    assert.equal(isInsideFolder('/w/project', '/w/project-old/a.png', 'linux'), false);
    assert.equal(isInsideFolder('/w/project', '/w/a.png', 'linux'), false);
  });

  it('keeps a file whose name starts with two dots inside', () => {
    assert.equal(isInsideFolder('/w/project', '/w/project/..hidden.png', 'linux'), true);
  });

  it('ignores case on Windows, and not elsewhere', () => {
    assert.equal(isInsideFolder('C:\\Users\\Ann\\Project', 'c:\\users\\ann\\project\\SRC\\a.png', 'win32'), true);
    assert.equal(isInsideFolder('C:\\Users\\Ann\\Project', 'D:\\Project\\a.png', 'win32'), false);
    assert.equal(isInsideFolder('/Users/ann/Project', '/users/ann/project/a.png', 'linux'), false);
  });
});
