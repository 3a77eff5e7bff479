// Tensor byte sizes per ggml type (block layouts from ggml's type_traits).

import assert from 'node:assert/strict';
import { ggmlTypeName, tensorByteSize } from '../../../src/core/models/ggmlTypes';

describe('tensorByteSize', () => {
  it('F32, F16 and BF16 take 4, 2 and 2 bytes per value', () => {
    assert.equal(tensorByteSize(0, [64, 3]), 64 * 3 * 4);
    assert.equal(tensorByteSize(1, [14, 14, 3, 32]), 14 * 14 * 3 * 32 * 2);
    assert.equal(tensorByteSize(30, [10]), 20);
  });

  it('Q8_0 and Q4_0 take 34 and 18 bytes per 32 values', () => {
    assert.equal(tensorByteSize(8, [896, 4864]), (896 / 32) * 34 * 4864);
    assert.equal(tensorByteSize(2, [64, 2]), 2 * 18 * 2);
  });

  it('K-quants take their block bytes per 256 values (Q4_K 144, Q6_K 210)', () => {
    assert.equal(tensorByteSize(12, [4096, 10]), 16 * 144 * 10);
    assert.equal(tensorByteSize(14, [256]), 210);
  });

  it('a row that is not a whole number of blocks has no size', () => {
    assert.equal(tensorByteSize(8, [48, 2]), undefined);
  });

  it('an unknown type has no size and is named by its number', () => {
    assert.equal(tensorByteSize(4, [32]), undefined);
    assert.equal(ggmlTypeName(4), 'type 4');
    assert.equal(ggmlTypeName(12), 'Q4_K');
  });
});
