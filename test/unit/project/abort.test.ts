// The core's one delay and one abort check (core/abort.ts): a delay waits its time, ends at once
// when its signal aborts (with the caller's error), and an aborted signal stops work with the
// caller's message.

import assert from 'node:assert/strict';
import { delay, throwIfAborted } from '../../../src/core/abort';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';

describe('delay', () => {
  it('resolves after about the time asked, not before', async () => {
    const started = Date.now();
    await delay(60);
    assert.ok(Date.now() - started >= 55, `resolved after ${Date.now() - started} ms`);
  });

  it('rejects as soon as its signal aborts, with "Stopped." unless told otherwise', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await rejectsWithCode(delay(10_000, { signal: controller.signal }), 'cancelled', /^Stopped\.$/);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  it("rejects at once for a signal already aborted, with the caller's error", async () => {
    const custom = new Error('download stopped');
    await assert.rejects(delay(10_000, { signal: AbortSignal.abort(), cancelled: () => custom }), (error) => error === custom);
    await rejectsWithCode(delay(10_000, { signal: AbortSignal.abort(), cancelled: 'Gone.' }), 'cancelled', /^Gone\.$/);
  });
});

describe('throwIfAborted', () => {
  it('does nothing without a signal or before it aborts', () => {
    throwIfAborted(undefined, 'Stopped.');
    throwIfAborted(new AbortController().signal, 'Stopped.');
  });

  it('throws a cancelled GlimpseError with the message, or the error the caller makes', () => {
    const signal = AbortSignal.abort();
    assert.throws(() => throwIfAborted(signal, 'Preparing the image was cancelled.'), { name: 'GlimpseError', code: 'cancelled', message: 'Preparing the image was cancelled.' });
    const custom = new Error('custom');
    assert.throws(() => throwIfAborted(signal, () => custom), (error) => error === custom);
  });
});
