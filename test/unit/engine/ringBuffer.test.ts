import assert from 'node:assert/strict';
import { LineRingBuffer } from '../../../src/core/engine/ringBuffer';

describe('LineRingBuffer', () => {
  it('keeps only the last N complete lines and returns each completed line once', () => {
    const buffer = new LineRingBuffer(3);
    assert.deepEqual(buffer.push('one\ntwo\nthr'), ['one', 'two']);
    assert.deepEqual(buffer.push('ee\nfour\n'), ['three', 'four']);
    assert.deepEqual(buffer.tail(), ['two', 'three', 'four']);
  });

  it('includes an unfinished last line in the tail (a crash may cut a line short)', () => {
    const buffer = new LineRingBuffer(5);
    buffer.push('loaded\nGGML_ASSERT(x) fail');
    assert.deepEqual(buffer.tail(2), ['loaded', 'GGML_ASSERT(x) fail']);
  });
});
