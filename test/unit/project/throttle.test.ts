// The throttle the mockup preview uses: a steady stream of updates gets through once per interval
// (a debounce would show nothing until the stream stops), always ending with the latest value.

import assert from 'node:assert/strict';
import { Throttle } from '../../../src/core/throttle';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Throttle', () => {
  it('a value pushed faster than the interval still gets through once per interval, and the last one arrives', async () => {
    const sent: number[] = [];
    const throttle = new Throttle<number>((value) => sent.push(value), 40);
    for (let i = 1; i <= 30; i++) {
      throttle.push(i);
      await sleep(5);
    }
    await sleep(60);
    assert.ok(sent.length >= 2 && sent.length <= 6, `sent ${sent.length} times: ${sent.join(', ')}`);
    assert.ok(sent[0] < 30, 'something was sent while the values kept coming');
    assert.equal(sent.at(-1), 30);
    assert.deepEqual([...sent].sort((a, b) => a - b), sent, 'in order');
  });

  it('now() sends at once and drops what was waiting; dispose() drops it too', async () => {
    const sent: string[] = [];
    const throttle = new Throttle<string>((value) => sent.push(value), 20);
    throttle.push('a');
    throttle.now('final');
    throttle.push('b');
    throttle.dispose();
    await sleep(40);
    assert.deepEqual(sent, ['final']);
  });
});
