// The chat view in jsdom: host messages become turns, thumbnails, streamed markdown and badges;
// keys and buttons become webview messages; invalid host messages are dropped and reported.

import assert from 'node:assert/strict';
import type { ImageView } from '../../../src/core/protocol';
import { setUpChatView as setUp } from './chatViewHarness';

const thumbnail = 'data:image/png;base64,iVBORw0KGgo=';
const image: ImageView = { label: 'login.png', thumbnail, width: 896, height: 672, originalWidth: 2688, originalHeight: 2016 };

describe('chat view', () => {
  it('shows the hint when there is no conversation yet', () => {
    const { $, send } = setUp();
    assert.match($('.empty-state')?.textContent ?? '', /Right-click an image in the Explorer and choose Explain Image/);
    assert.equal(($('.empty-state') as HTMLElement).hidden, false);
    send({ type: 'conversation', modelLabel: 'Qwen2.5-VL 3B', turns: [{ id: 'u1', role: 'user', text: 'hi' }] });
    assert.equal(($('.empty-state') as HTMLElement).hidden, true);
    assert.equal($('.model-label')?.textContent, 'Qwen2.5-VL 3B');
  });

  it('renders a streamed answer: thumbnail, question, markdown, stopped badge, Stop hidden again', () => {
    const { $, send, runFrames, document, renderCount } = setUp();
    send(
      { type: 'conversation', modelLabel: 'Gemma 3 4B', turns: [] },
      { type: 'busy', busy: true },
      { type: 'turnAdded', turn: { id: 'u1', role: 'user', text: 'What is <b>this</b>?', images: [image] } },
      { type: 'turnAdded', turn: { id: 'a1', role: 'assistant', text: '', status: 'streaming' } },
    );
    const img = $('.turn-user img') as HTMLImageElement;
    assert.equal(img.getAttribute('src'), thumbnail);
    assert.equal(img.getAttribute('alt'), 'login.png');
    assert.equal($('.turn-user figcaption')?.textContent, '896×672 sent (from 2688×2016)');
    assert.equal($('.turn-user .question')?.textContent, 'What is <b>this</b>?');
    assert.equal(document.querySelectorAll('.turn-user b').length, 0);
    assert.equal(($('.stop-button') as HTMLElement).hidden, false);
    assert.equal(($('.send-button') as HTMLElement).hidden, true);
    assert.equal(($('textarea') as HTMLTextAreaElement).disabled, true);
    assert.equal($('.turn-assistant')?.getAttribute('aria-busy'), 'true');

    const rendersBefore = renderCount();
    send(
      { type: 'answerDelta', turnId: 'a1', text: 'A **login' },
      { type: 'answerDelta', turnId: 'a1', text: '** form' },
      { type: 'answerDelta', turnId: 'a1', text: ' with `email`.' },
    );
    assert.equal(renderCount(), rendersBefore, 'nothing is drawn before the frame');
    runFrames();
    assert.equal(renderCount(), rendersBefore + 1, 'three deltas, one render');
    assert.equal($('.turn-assistant .answer')?.textContent?.trim(), 'A login form with email.');
    assert.equal($('.turn-assistant .answer strong')?.textContent, 'login');

    send(
      { type: 'answerEnded', turnId: 'a1', status: 'stopped', stats: { generatedTokens: 7, tokensPerSecond: 12.34, firstTokenMs: 840.4 } },
      { type: 'busy', busy: false },
    );
    assert.equal($('.turn-assistant .badge-stopped')?.textContent, 'Stopped');
    assert.equal($('.turn-assistant .turn-stats')?.textContent, '7 tokens · 12.3 tok/s · first token 840 ms');
    assert.equal($('.turn-assistant')?.getAttribute('aria-busy'), 'false');
    assert.equal(($('.stop-button') as HTMLElement).hidden, true);
    assert.equal(($('textarea') as HTMLTextAreaElement).disabled, false);
  });

  it('renders markdown in the document\'s own window by default', () => {
    const { $, send } = setUp({ defaultRenderer: true });
    send({ type: 'turnAdded', turn: { id: 'a1', role: 'assistant', text: '# Done\n\n<script>x()</script>', status: 'done' } });
    assert.equal($('.answer h1')?.textContent, 'Done');
    assert.equal($('.answer script'), null);
  });

  it('shows no caption for an image sent at its own size', () => {
    const { $, send } = setUp();
    send({ type: 'turnAdded', turn: { id: 'u1', role: 'user', text: '', images: [{ ...image, width: 2688, height: 2016 }] } });
    assert.equal($('.turn-user figcaption'), null);
  });

  it('shows an error with its actions, and each action button posts its action', () => {
    const { $, send, posted, document } = setUp();
    send(
      { type: 'turnAdded', turn: { id: 'a1', role: 'assistant', text: '', status: 'streaming' } },
      { type: 'answerEnded', turnId: 'a1', status: 'error', error: 'The engine stopped: out of memory.', actions: ['openSettings', 'showLog', 'retry'] },
    );
    assert.equal($('.badge-error')?.textContent, 'Error');
    assert.equal($('.turn-error')?.textContent, 'The engine stopped: out of memory.');
    const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('.turn-actions button'));
    assert.deepEqual(buttons.map((button) => button.textContent), ['Open Settings', 'Show Log', 'Retry']);
    buttons.forEach((button) => button.click());
    assert.deepEqual(posted, [
      { type: 'action', action: 'openSettings' }, { type: 'action', action: 'showLog' }, { type: 'action', action: 'retry' },
    ]);
  });

  it('Enter posts the question and clears the box; Shift+Enter does not post', () => {
    const { textarea, key, posted } = setUp();
    textarea().value = '  What does the red button do?  ';
    key({ key: 'Enter', shiftKey: true });
    assert.deepEqual(posted, []);
    key({ key: 'Enter' });
    // The box is cleared as the question goes: the host hears of the empty draft too.
    assert.deepEqual(posted, [{ type: 'draft', text: '' }, { type: 'ask', text: 'What does the red button do?' }]);
    assert.equal(textarea().value, '');
    key({ key: 'Enter' });
    assert.equal(posted.length, 2, 'an empty box sends nothing');
  });

  it('Escape and the Stop button post stop while busy, and only then', () => {
    const { send, key, posted, $, document, dom } = setUp();
    key({ key: 'Escape' });
    assert.deepEqual(posted, []);
    send({ type: 'busy', busy: true });
    document.body.dispatchEvent(new dom.window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    ($('.stop-button') as HTMLButtonElement).click();
    assert.deepEqual(posted, [{ type: 'stop' }, { type: 'stop' }]);
  });

  it('updates the engine status pill', () => {
    const { $, send } = setUp();
    send({ type: 'engineStatus', status: 'loading', detail: 'gemma-3-4b-it-Q4_K_M.gguf' });
    assert.equal($('.status-pill')?.className, 'status-pill status-loading');
    assert.equal($('.status-pill')?.textContent, 'Loading model');
    assert.equal($('.status-detail')?.textContent, 'gemma-3-4b-it-Q4_K_M.gguf');
    assert.equal($('.engine-status')?.getAttribute('aria-live'), 'polite');
  });

  it('drops an invalid host message and posts a warning', () => {
    const { $, send, view, posted } = setUp();
    send({ type: 'conversation', modelLabel: 'm', turns: [] });
    view.receive({ type: 'turnAdded', turn: { id: 'u1', role: 'user', text: 'x', images: [{ ...image, thumbnail: 'https://evil.example/x.png' }] } });
    view.receive({ type: 'explode' });
    assert.equal($('.turn'), null);
    assert.equal(posted.length, 2);
    assert.deepEqual(posted.map((message) => message.type === 'log' && message.level), ['warn', 'warn']);
    assert.match(posted[0].type === 'log' ? posted[0].message : '', /"turnAdded" has an invalid "turn.images\[0\].thumbnail"/);
    assert.match(posted[1].type === 'log' ? posted[1].message : '', /unknown message type "explode"/);
  });

  it('keeps the draft in the view state and restores it', () => {
    const { textarea, saved, dom } = setUp({ savedState: { draft: 'half a question' } });
    assert.equal(textarea().value, 'half a question');
    textarea().value = 'half a question, finished';
    textarea().dispatchEvent(new dom.window.Event('input', { bubbles: true }));
    assert.deepEqual(saved.at(-1), { draft: 'half a question, finished' });
  });

  it('tells the host of every edit of the question box (prefill while typing)', () => {
    const { textarea, posted, dom } = setUp();
    for (const value of ['W', 'What', '']) {
      textarea().value = value;
      textarea().dispatchEvent(new dom.window.Event('input', { bubbles: true }));
    }
    assert.deepEqual(posted, [{ type: 'draft', text: 'W' }, { type: 'draft', text: 'What' }, { type: 'draft', text: '' }]);
  });
});
