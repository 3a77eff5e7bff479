// Byte counts shown to users (core/formatBytes.ts): rounded decimal units at each step, and the
// exact count with grouped digits.

import assert from 'node:assert/strict';
import { formatBytes, formatExactBytes } from '../../../src/core/formatBytes';

describe('formatBytes', () => {
  it('rounds in decimal units, one decimal for gigabytes only', () => {
    assert.deepEqual(
      [999, 1000, 1499, 999_499, 1_000_000, 512_400_000, 999_999_999, 1_000_000_000, 1_449_000_000].map(formatBytes),
      ['999 bytes', '1 KB', '1 KB', '999 KB', '1 MB', '512 MB', '1000 MB', '1.0 GB', '1.4 GB'],
    );
  });
});

describe('formatExactBytes', () => {
  it('keeps every byte and groups the digits', () => {
    assert.deepEqual([0, 999, 1000, 4_368_439_296].map(formatExactBytes), ['0', '999', '1,000', '4,368,439,296']);
  });
});
