// Every message from the webview is checked against the one protocol definition; anything else
// is refused with a reason the host logs.

import assert from 'node:assert/strict';
import { maxQuestionLength, parseHostMessage, parseWebviewMessage } from '../../../src/core/protocol';

describe('webview protocol', () => {
  it('accepts each well-formed webview message', () => {
    for (const message of [
      { type: 'ready' }, { type: 'ask', text: 'why?' }, { type: 'stop' }, { type: 'action', action: 'retry' },
      { type: 'log', level: 'warn', message: 'x' },
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
    ['a prototype-ish type', { type: 'constructor' }, /unknown message type/],
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
});
