// A platform VSIX says which platform it was built for; installed elsewhere, the warning names both.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { platformMismatch, readPackagedPlatform } from '../../../src/core/packagedPlatform';

describe('packaged platform', () => {
  it('reads platform.json, and nothing from a development checkout', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-platform-'));
    try {
      assert.equal(readPackagedPlatform(dir), undefined);
      fs.writeFileSync(path.join(dir, 'platform.json'), JSON.stringify({ target: 'linux-x64', engine: true }));
      assert.deepEqual(readPackagedPlatform(dir), { target: 'linux-x64', engine: true });
      fs.writeFileSync(path.join(dir, 'platform.json'), '{ broken');
      assert.equal(readPackagedPlatform(dir), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns when the VSIX is for another platform, naming both', () => {
    assert.equal(platformMismatch(undefined, 'darwin-arm64'), undefined);
    assert.equal(platformMismatch({ target: 'darwin-arm64', engine: true }, 'darwin-arm64'), undefined);
    assert.equal(platformMismatch({ target: 'alpine-x64', engine: false }, 'linux-x64'), undefined);
    const warning = platformMismatch({ target: 'linux-x64', engine: true }, 'darwin-arm64');
    assert.match(warning ?? '', /This build of Glimpse is for linux-x64, and this machine is darwin-arm64/);
    assert.match(warning ?? '', /Install the Glimpse VSIX for darwin-arm64/);
  });
});
