// sharp loads on first use; when it cannot load (a VSIX for another platform), the error names this
// platform and what to install, and a later attempt tries again.

import assert from 'node:assert/strict';
import { GlimpseError } from '../../../src/core/errors';
import { createSharpLoader, loadSharp, sharpUnavailable } from '../../../src/core/images/sharpLibrary';
import { runtimeTarget } from '../../../src/core/runtimeTarget';

describe('sharp library loading', () => {
  it('names targets as VS Code does', () => {
    assert.equal(runtimeTarget('linux', 'x64'), 'linux-x64');
    assert.equal(runtimeTarget('darwin', 'arm64'), 'darwin-arm64');
    assert.equal(runtimeTarget('linux', 'arm'), 'linux-armhf');
    assert.equal(runtimeTarget('win32', 'x64'), 'win32-x64');
  });

  it('turns a load failure into an error that names the platform, keeping sharp\'s reason for the log', () => {
    const error = sharpUnavailable(new Error('Could not load the "sharp" module using the darwin-arm64 runtime'), 'darwin-arm64');
    assert.equal(error.code, 'image-library-unavailable');
    assert.match(error.message, /does not load on darwin-arm64/);
    assert.match(error.message, /Install the Glimpse build for darwin-arm64/);
    assert.match(error.detail ?? '', /Could not load the "sharp" module/);
  });

  it('rejects with that error when the import fails, then tries again on the next call', async () => {
    let attempts = 0;
    const load = createSharpLoader(() => {
      attempts++;
      return attempts < 3 ? Promise.reject(new Error('no @img/sharp-win32-x64')) : import('sharp');
    });
    await assert.rejects(load(), (error: GlimpseError) => error.code === 'image-library-unavailable' && /no @img/.test(error.detail ?? ''));
    await assert.rejects(load());
    assert.equal(attempts, 2);
    // Once it loads, it is kept.
    const real = await load();
    assert.equal(typeof real, 'function');
    assert.equal(await load(), real);
    assert.equal(attempts, 3);
    assert.equal(await loadSharp(), real, 'the module the default loader gives is the same sharp');
  });
});
