// Prefill while typing: one request per pause in typing, at most one at a time, the newest draft
// after the running one, nothing twice, and nothing left running once the question is sent.

import assert from 'node:assert/strict';
import { DraftPrefill } from '../../../src/core/chat/draftPrefill';
import type { PrefillEngine, PrefillFigures } from '../../../src/core/engine/chatEngine';
import type { ChatTurn } from '../../../src/core/openai/turn';

/** An engine whose prefills finish when the test says so. */
class FakeEngine implements PrefillEngine {
  readonly calls: Array<{ text: string; signal: AbortSignal; finish: (figures?: PrefillFigures) => void; fail: (error: Error) => void }> = [];
  private arrived: (() => void) | undefined;

  prefill(turns: readonly ChatTurn[], signal: AbortSignal): Promise<PrefillFigures | undefined> {
    return new Promise((resolve, reject) => {
      this.calls.push({ text: turns.at(-1)!.text, signal, finish: resolve, fail: reject });
      this.arrived?.();
    });
  }

  /** Resolves when the next call arrives (or at once if `count` calls are already in). */
  async waitForCalls(count: number): Promise<void> {
    while (this.calls.length < count) await new Promise<void>((resolve) => (this.arrived = resolve));
  }
}

const draft = (text: string): ChatTurn[] => [{ role: 'system', text: 'sys' }, { role: 'user', text }];
const figures: PrefillFigures = { evaluatedTokens: 3, cachedTokens: 100, ms: 5 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DraftPrefill', () => {
  it('sends one request per pause in typing, with the newest draft', async () => {
    const engine = new FakeEngine();
    const prefill = new DraftPrefill(engine, { delayMs: 20 });
    for (const text of ['W', 'Wh', 'Wha', 'What']) {
      prefill.update(draft(text));
      await sleep(2);
    }
    await engine.waitForCalls(1);
    assert.deepEqual(engine.calls.map((c) => c.text), ['What']);
    engine.calls[0].finish(figures);
    await prefill.settled();
    assert.equal(engine.calls.length, 1);
  });

  it('does not send the draft the cache already holds again', async () => {
    const engine = new FakeEngine();
    const reported: PrefillFigures[] = [];
    const prefill = new DraftPrefill(engine, { delayMs: 1, onPrefilled: (f) => reported.push(f) });
    prefill.update(draft('What'));
    await engine.waitForCalls(1);
    engine.calls[0].finish(figures);
    await prefill.settled();
    prefill.update(draft('What'));
    await sleep(10);
    assert.equal(engine.calls.length, 1);
    assert.deepEqual(reported, [figures]);
    prefill.update(draft('What is'));
    await engine.waitForCalls(2);
    assert.equal(engine.calls[1].text, 'What is');
  });

  it('runs one request at a time: a draft typed meanwhile is sent when the running one ends', async () => {
    const engine = new FakeEngine();
    const prefill = new DraftPrefill(engine, { delayMs: 1 });
    prefill.update(draft('What'));
    await engine.waitForCalls(1);
    prefill.update(draft('What colour'));
    prefill.update(draft('What colours'));
    await sleep(10);
    assert.equal(engine.calls.length, 1, 'nothing else is sent while one runs');
    engine.calls[0].finish(figures);
    await engine.waitForCalls(2);
    assert.equal(engine.calls[1].text, 'What colours');
    engine.calls[1].finish(figures);
    await prefill.settled();
    assert.equal(engine.calls.length, 2);
  });

  it('sending the question aborts the running request and drops the waiting draft', async () => {
    const engine = new FakeEngine();
    const prefill = new DraftPrefill(engine, { delayMs: 1 });
    prefill.update(draft('What'));
    await engine.waitForCalls(1);
    prefill.update(draft('What is'));
    prefill.cancel();
    assert.equal(engine.calls[0].signal.aborted, true);
    engine.calls[0].fail(new Error('aborted'));
    await prefill.settled();
    await sleep(10);
    assert.equal(engine.calls.length, 1, 'the waiting draft was dropped');
  });

  it('a draft typed again right after sending is prefilled again, even before the aborted request ends', async () => {
    const engine = new FakeEngine();
    const prefill = new DraftPrefill(engine, { delayMs: 1 });
    prefill.update(draft('What'));
    await engine.waitForCalls(1);
    prefill.cancel();
    prefill.update(draft('What'));
    await engine.waitForCalls(2);
    assert.equal(engine.calls[1].signal.aborted, false);
    engine.calls[0].fail(new Error('aborted'));
    engine.calls[1].finish(figures);
    await prefill.settled();
    assert.equal(engine.calls.length, 2);
  });

  it('an engine that cannot prefill now, or fails, leaves the draft to be tried again; failures are reported, not thrown', async () => {
    const engine = new FakeEngine();
    const errors: unknown[] = [];
    const prefill = new DraftPrefill(engine, { delayMs: 1, onError: (e) => errors.push(e) });
    prefill.update(draft('What'));
    await engine.waitForCalls(1);
    engine.calls[0].finish(undefined);
    await prefill.settled();
    prefill.update(draft('What'));
    await engine.waitForCalls(2);
    engine.calls[1].fail(new Error('connection reset'));
    await prefill.settled();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /connection reset/);
    prefill.update(draft('What'));
    await engine.waitForCalls(3);
    engine.calls[2].finish(figures);
    await prefill.settled();
  });

  it('an empty draft stops the one waiting; after dispose nothing is sent', async () => {
    const engine = new FakeEngine();
    const prefill = new DraftPrefill(engine, { delayMs: 5 });
    prefill.update(draft('What'));
    prefill.update(undefined);
    await prefill.settled();
    await sleep(15);
    assert.equal(engine.calls.length, 0);
    prefill.dispose();
    prefill.update(draft('What'));
    await sleep(15);
    assert.equal(engine.calls.length, 0);
  });

  it('tells images apart by content, not by label', async () => {
    const engine = new FakeEngine();
    const prefill = new DraftPrefill(engine, { delayMs: 1 });
    const withImage = (sha256: string): ChatTurn[] => [{
      role: 'user', text: 'Explain this image.',
      images: [{ label: 'pasted image', mimeType: 'image/png', data: Buffer.from(sha256), sha256, originalWidth: 1, originalHeight: 1, width: 1, height: 1, downscaled: false, sourceFormat: 'png' }],
    }];
    prefill.update(withImage('a'));
    await engine.waitForCalls(1);
    engine.calls[0].finish(figures);
    await prefill.settled();
    prefill.update(withImage('b'));
    await engine.waitForCalls(2);
    engine.calls[1].finish(figures);
    await prefill.settled();
    const relabelled = withImage('b').map((turn) => ({ ...turn, images: turn.images?.map((image) => ({ ...image, label: 'renamed.png' })) }));
    prefill.update(relabelled);
    await sleep(10);
    assert.equal(engine.calls.length, 2, 'the same picture under another name is the same request');
  });
});
