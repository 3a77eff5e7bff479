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
    ]) {
      assert.deepEqual(parseWebviewMessage(message), { ok: true, message });
    }
  });

  for (const [what, value, reason] of [
    ['a non-object', 'ready', /not an object/],
    ['an unknown type', { type: 'runShell', command: 'rm -rf /' }, /unknown message type "runShell"/],
    ['a missing field', { type: 'ask' }, /"ask" has an invalid "text"/],
    ['a field of the wrong type', { type: 'ask', text: 42 }, /"ask" has an invalid "text"/],
    ['an action that does not exist', { type: 'action', action: 'deleteFiles' }, /invalid "action"/],
    ['an unexpected extra field', { type: 'stop', requestId: 1 }, /unexpected fields: requestId/],
    ['an over-long question', { type: 'ask', text: 'x'.repeat(maxQuestionLength + 1) }, /invalid "text"/],
    ['an over-long draft', { type: 'draft', text: 'x'.repeat(maxQuestionLength + 1) }, /"draft" has an invalid "text"/],
    ['a prototype-ish type', { type: 'constructor' }, /unknown message type/],
    ['a crop without a rectangle', { type: 'cropImage', imageId: 'a1' }, /"cropImage" has an invalid "rect"/],
    ['a crop at a negative position', { type: 'cropImage', imageId: 'a1', rect: { x: -1, y: 0, width: 10, height: 10 } }, /invalid "rect"/],
    ['a crop of fractional pixels', { type: 'cropImage', imageId: 'a1', rect: { x: 0, y: 0, width: 10.5, height: 10 } }, /invalid "rect"/],
    ['a crop of zero height', { type: 'cropImage', imageId: 'a1', rect: { x: 0, y: 0, width: 10, height: 0 } }, /invalid "rect"/],
    ['a crop given as strings', { type: 'cropImage', imageId: 'a1', rect: { x: '0', y: 0, width: 10, height: 10 } }, /invalid "rect"/],
    ['an absurdly large crop', { type: 'cropImage', imageId: 'a1', rect: { x: 0, y: 0, width: 2e6, height: 10 } }, /invalid "rect"/],
    ['a crop of no image', { type: 'openCrop' }, /"openCrop" has an invalid "imageId"/],
  ] as const) {
    it(`refuses ${what}`, () => {
      const result = parseWebviewMessage(value);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }

  it('checks host messages too: a thumbnail must be a data: image, never a URL', () => {
    const turn = { id: '1', role: 'user', text: 'q', images: [{ label: 'a', thumbnail: 'https://evil.example/a.png', width: 1, height: 1, originalWidth: 1, originalHeight: 1 }] };
    assert.equal(parseHostMessage({ type: 'turnAdded', turn }).ok, false);
    const ok = { ...turn, images: [{ ...turn.images[0], thumbnail: 'data:image/png;base64,AA' }] };
    assert.equal(parseHostMessage({ type: 'turnAdded', turn: ok }).ok, true);
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
