// The pieces behind a download's progress and disk check: the smoothed transfer rate and the
// default free-space probe.

import assert from 'node:assert/strict';
import * as os from 'node:os';
import { statfsFreeSpace } from '../../../src/core/models/download/freeSpace';
import { TransferRate } from '../../../src/core/models/download/transferRate';

describe('download transfer rate', () => {
  it('measures over whole windows and smooths a sudden stall instead of dropping to zero', () => {
    let time = 0;
    const rate = new TransferRate(() => time, 100, 0.3);
    assert.equal(rate.bytesPerSecond(), 0, 'nothing measured yet');
    rate.add(1_000_000);
    time = 50;
    assert.equal(rate.bytesPerSecond(), 0, 'half a window is not a measurement');
    time = 100;
    assert.equal(rate.bytesPerSecond(), 10_000_000);
    time = 200; // a window with no bytes at all
    assert.equal(rate.bytesPerSecond(), 7_000_000);
    rate.add(2_000_000);
    time = 300;
    assert.equal(rate.bytesPerSecond(), 0.3 * 20_000_000 + 0.7 * 7_000_000);
  });
});

describe('statfs free-space probe', () => {
  it('reports a plausible number of free bytes for the temp folder', async () => {
    const free = await statfsFreeSpace(os.tmpdir());
    assert.ok(Number.isSafeInteger(free) && free > 1024 * 1024, `free bytes: ${free}`);
    assert.ok(free < 1e17, `free bytes: ${free}`);
  });

  it('fails for a folder that does not exist', async () => {
    await assert.rejects(statfsFreeSpace('/no/such/folder/for/glimpse'), /ENOENT/);
  });
});
