// Every message from the webview is checked against the one protocol definition; anything else
// is refused with a reason the host logs.

import assert from 'node:assert/strict';
import { maxQuestionLength, parseHostMessage, parseWebviewMessage } from '../../../src/core/protocol';

describe('webview protocol', () => {
  it('accepts each well-formed webview message', () => {
    for (const message of [
      { type: 'ready' }, { type: 'ask', text: 'why?' }, { type: 'draft', text: 'wh' }, { type: 'stop' }, { type: 'action', action: 'retry' },
      { type: 'log', level: 'warn', message: 'x' },
      { type: 'openCrop', imageId: 'a1' }, { type: 'cropImage', imageId: 'a1', rect: { x: 0, y: 12, width: 1240, height: 610 } },
      { type: 'attachImage', name: 'shot.png', mimeType: 'image/png', dataBase64: 'iVBORw0KGgo=' }, { type: 'pickImages' }, { type: 'removeImage', id: 'a1' },
      { type: 'codeAction', action: 'insert', code: 'let x = 1;', language: 'typescript' },
    ]) {
      assert.deepEqual(parseWebviewMessage(message), { ok: true, message });
    }
  });

  for (const [what, value, reason] of [
    ['a non-object', 'ready', /^not an object$/],
    ['null', null, /^not an object$/],
    ['a list', [{ type: 'ready' }], /^not an object$/],
    ['a message without a type', { text: 'why?' }, /^unknown message type undefined$/],
    ['an unknown type', { type: 'runShell', command: 'rm -rf /' }, /^unknown message type "runShell"$/],
    ['a missing field', { type: 'ask' }, /^"ask" is missing "text"$/],
    ['a field of the wrong type', { type: 'ask', text: 42 }, /^"ask" has an invalid "text": .*string.*42/],
    ['an action that does not exist', { type: 'action', action: 'deleteFiles' }, /^"action" has an invalid "action": .*"deleteFiles"/],
    ['an unexpected extra field', { type: 'stop', requestId: 1 }, /^"stop" has unexpected fields: requestId$/],
    ['several unexpected fields, all named', { type: 'ask', text: 'q', a: 1, b: 2 }, /^"ask" has unexpected fields: a, b$/],
    ['an over-long question', { type: 'ask', text: 'x'.repeat(maxQuestionLength + 1) }, /^"ask" has an invalid "text": .*20001/],
    ['an over-long draft', { type: 'draft', text: 'x'.repeat(maxQuestionLength + 1) }, /^"draft" has an invalid "text"/],
    ['a prototype-ish type', { type: 'constructor' }, /^unknown message type "constructor"$/],
    ['an image that is not an image', { type: 'attachImage', name: 'a.png', mimeType: 'text/html', dataBase64: 'AAAA' }, /^"attachImage" has an invalid "mimeType"/],
    ['image bytes that are not base64', { type: 'attachImage', name: 'a.png', mimeType: 'image/png', dataBase64: 'AA<>' }, /^"attachImage" has an invalid "dataBase64"/],
    ['a code block of a made-up language', { type: 'codeAction', action: 'open', code: 'x', language: 'a b' }, /^"codeAction" has an invalid "language"/],
    ['a crop without a rectangle', { type: 'cropImage', imageId: 'a1' }, /^"cropImage" is missing "rect"$/],
    ['a crop without a side', { type: 'cropImage', imageId: 'a1', rect: { x: 0, y: 0, width: 10 } }, /^"cropImage" is missing "rect.height"$/],
    ['a crop at a negative position', { type: 'cropImage', imageId: 'a1', rect: { x: -1, y: 0, width: 10, height: 10 } }, /invalid "rect.x"/],
    ['a crop of fractional pixels', { type: 'cropImage', imageId: 'a1', rect: { x: 0, y: 0, width: 10.5, height: 10 } }, /invalid "rect.width"/],
    ['a crop of zero height', { type: 'cropImage', imageId: 'a1', rect: { x: 0, y: 0, width: 10, height: 0 } }, /invalid "rect.height"/],
    ['a crop given as strings', { type: 'cropImage', imageId: 'a1', rect: { x: '0', y: 0, width: 10, height: 10 } }, /invalid "rect.x"/],
    ['an absurdly large crop', { type: 'cropImage', imageId: 'a1', rect: { x: 0, y: 0, width: 2e6, height: 10 } }, /invalid "rect.width"/],
    ['a crop of no image', { type: 'openCrop' }, /^"openCrop" is missing "imageId"$/],
  ] as const) {
    it(`refuses ${what}`, () => {
      const result = parseWebviewMessage(value);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }

  it('keeps a refusal short enough for a log line, however long the refused text', () => {
    const result = parseWebviewMessage({ type: 'attachImage', name: 'a.png', mimeType: `image/${'x'.repeat(100_000)} `, dataBase64: 'AAAA' });
    assert.equal(result.ok, false);
    if (!result.ok) assert.ok(result.reason.length < 300, `${result.reason.length} characters`);
  });

  it('checks host messages too: a thumbnail must be a data: image, never a URL', () => {
    const turn = { id: '1', role: 'user', text: 'q', images: [{ label: 'a', thumbnail: 'https://evil.example/a.png', width: 1, height: 1, originalWidth: 1, originalHeight: 1 }] };
    assert.equal(parseHostMessage({ type: 'turnAdded', turn }).ok, false);
    const ok = { ...turn, images: [{ ...turn.images[0], thumbnail: 'data:image/png;base64,AA' }] };
    assert.equal(parseHostMessage({ type: 'turnAdded', turn: ok }).ok, true);
    const refused = parseHostMessage({ type: 'turnAdded', turn });
    assert.match(refused.ok ? '' : refused.reason, /^"turnAdded" has an invalid "turn.images\[0\].thumbnail"/);
  });

  it('checks every host message: a wrong field type, an unknown status or a missing field is refused', () => {
    const turn = { id: '2', role: 'assistant', text: 'It is a button.', status: 'done', stats: { generatedTokens: 12, tokensPerSecond: 31.5 } };
    assert.equal(parseHostMessage({ type: 'conversation', turns: [turn], modelLabel: 'SmolVLM' }).ok, true);
    assert.equal(parseHostMessage({ type: 'answerEnded', turnId: '2', status: 'error', error: 'boom', actions: ['retry', 'showLog'] }).ok, true);
    for (const message of [
      { type: 'conversation', turns: [{ ...turn, role: 'system' }], modelLabel: 'SmolVLM' },
      { type: 'conversation', turns: [{ ...turn, stats: { generatedTokens: '12' } }], modelLabel: 'SmolVLM' },
      { type: 'conversation', turns: [{ ...turn, stats: { tokensPerSecond: Infinity } }], modelLabel: 'SmolVLM' },
      { type: 'answerEnded', turnId: '2', status: 'streaming' },
      { type: 'answerEnded', turnId: '2', status: 'error', actions: ['format'] },
      { type: 'engineStatus', status: 'exploded' },
      { type: 'busy', busy: 'yes' },
      { type: 'pendingImages', images: [{ label: 'a', thumbnail: 'data:image/png;base64,AA', width: 1, height: 1, originalWidth: 1, originalHeight: 1 }] },
      { type: 'notice', level: 'debug', text: 'x' },
      { type: 'answerDelta', turnId: '2' },
    ]) {
      assert.equal(parseHostMessage(message).ok, false, JSON.stringify(message));
    }
  });

  it('checks the crop dialog\'s source: a data: image preview, whole-pixel sizes, an optional crop inside the budget\'s shape', () => {
    const source = { type: 'cropSource', imageId: 'a1', preview: 'data:image/jpeg;base64,AA', width: 1600, height: 400, budget: { maxLongSide: 448 } };
    assert.deepEqual(parseHostMessage(source), { ok: true, message: source });
    assert.equal(parseHostMessage({ ...source, crop: { x: 10, y: 10, width: 400, height: 300 }, budget: { maxLongSide: 896, maxPixels: 802816 } }).ok, true);
    assert.equal(parseHostMessage({ ...source, preview: 'https://evil.example/a.png' }).ok, false);
    assert.equal(parseHostMessage({ ...source, width: 0 }).ok, false);
    assert.equal(parseHostMessage({ ...source, crop: { x: 0, y: 0, width: -5, height: 10 } }).ok, false);
    assert.equal(parseHostMessage({ ...source, budget: {} }).ok, false);
    assert.equal(parseHostMessage({ type: 'cropRefused', imageId: 'a1', text: 'The file is gone.' }).ok, true);
  });
});
