// Token estimates for a chat UI's token count: text as UTF-8 bytes / 3 rounded up, a message's role
// markers, an image as the model's prediction for its size as sent (or the default), and an exact
// text count preferred when the engine gives one.

import assert from 'node:assert/strict';
import type { RelayedMessage } from '../../../src/core/chat/relayedChat';
import { defaultImageTokens, estimateRelayedTokens, estimateTextTokens, messageOverheadTokens } from '../../../src/core/chat/tokenEstimate';
import { createTestImage } from '../../fixtures/images';

describe('estimateTextTokens', () => {
  it('counts UTF-8 bytes / 3, rounded up', () => {
    assert.equal(estimateTextTokens(''), 0);
    assert.equal(estimateTextTokens('a'), 1);
    assert.equal(estimateTextTokens('abc'), 1);
    assert.equal(estimateTextTokens('abcd'), 2);
    assert.equal(estimateTextTokens('x'.repeat(300)), 100);
  });

  it('counts bytes, not characters: a Chinese character is 3 bytes, an emoji 4', () => {
    assert.equal(estimateTextTokens('这张截图'), 4);
    assert.equal(estimateTextTokens('🦙'), 2);
  });
});

describe('estimateRelayedTokens', () => {
  let png: Buffer;
  before(async () => {
    png = await createTestImage({ width: 400, height: 200, format: 'png' });
  });

  it('adds the role markers to the texts, skipping empty ones', async () => {
    const message: RelayedMessage = { role: 'user', parts: [{ kind: 'text', text: 'abcdef' }, { kind: 'text', text: '' }, { kind: 'text', text: 'abcd' }] };
    assert.equal(await estimateRelayedTokens(message), messageOverheadTokens + 2 + 2);
  });

  it('counts an image as the model predicts for its size as sent, within the budget', async () => {
    const sizes: Array<[number, number]> = [];
    const message: RelayedMessage = { role: 'user', parts: [{ kind: 'image', bytes: png, mimeType: 'image/png' }] };
    const tokens = await estimateRelayedTokens(message, {
      imageBudget: { maxLongSide: 100 },
      imageTokens: (width, height) => {
        sizes.push([width, height]);
        return (width * height) / 100;
      },
    });
    assert.deepEqual(sizes, [[100, 50]]);
    assert.equal(tokens, messageOverheadTokens + 50);
  });

  it('counts an image as the default when the model predicts nothing, or its header cannot be read', async () => {
    const unreadable: RelayedMessage = { role: 'user', parts: [{ kind: 'image', bytes: Buffer.from('not an image'), mimeType: 'image/png' }] };
    const readable: RelayedMessage = { role: 'user', parts: [{ kind: 'image', bytes: png, mimeType: 'image/png' }] };
    assert.equal(await estimateRelayedTokens(readable), messageOverheadTokens + defaultImageTokens);
    assert.equal(await estimateRelayedTokens(readable, { imageTokens: () => undefined }), messageOverheadTokens + defaultImageTokens);
    assert.equal(await estimateRelayedTokens(unreadable, { imageTokens: () => 10 }), messageOverheadTokens + defaultImageTokens);
  });

  it('takes the engine\'s own count of a text when it gives one, and the estimate when it gives none', async () => {
    const message: RelayedMessage = { role: 'assistant', parts: [{ kind: 'text', text: 'counted' }, { kind: 'text', text: 'estimated' }] };
    const asked: string[] = [];
    const tokens = await estimateRelayedTokens(message, {
      countText: async (text) => {
        asked.push(text);
        return text === 'counted' ? 42 : undefined;
      },
    });
    assert.deepEqual(asked, ['counted', 'estimated']);
    assert.equal(tokens, messageOverheadTokens + 42 + estimateTextTokens('estimated'));
  });
});
