// A conversation keeps what the model was sent (the image prefix unchanged across follow-ups) and
// what the panel shows (partial answers kept and marked when stopped or failed).

import assert from 'node:assert/strict';
import { Conversation, imageViewOf } from '../../../src/core/chat/conversation';
import type { PreparedImage } from '../../../src/core/images/prepare';

const image: PreparedImage = {
  label: 'shot.png', mimeType: 'image/png', data: Buffer.from('png'), sha256: 'x', originalWidth: 2000, originalHeight: 1000,
  width: 1000, height: 500, downscaled: true, sourceFormat: 'png',
};

describe('Conversation', () => {
  it('begins with the system prompt and one user turn carrying the image; the view shows a thumbnail', () => {
    const conversation = new Conversation();
    const { user, answer, pending } = conversation.begin([image], [imageViewOf(image, 'data:image/png;base64,AA')], 'What is this?');
    assert.deepEqual(pending.request.map((t) => t.role), ['system', 'user']);
    assert.equal(pending.request[1].images?.[0], image);
    assert.equal(user.text, 'What is this?');
    assert.deepEqual(user.images, [{ label: 'shot.png', thumbnail: 'data:image/png;base64,AA', width: 1000, height: 500, originalWidth: 2000, originalHeight: 1000 }]);
    assert.equal(answer.status, 'streaming');
    assert.equal(conversation.isAnswering, true);
  });

  it('a follow-up sends the earlier turns unchanged, then the answer and the new question', () => {
    const conversation = new Conversation();
    const first = conversation.begin([image], [imageViewOf(image, 't')]);
    conversation.appendAnswer('A login ');
    conversation.appendAnswer('form.');
    conversation.endAnswer('done', { stats: { promptTokens: 40 } });
    const { pending } = conversation.followUp('  Which colours?  ');
    assert.deepEqual(pending.request.slice(0, 2), first.pending.request);
    assert.deepEqual(pending.request.slice(2), [{ role: 'assistant', text: 'A login form.' }, { role: 'user', text: 'Which colours?' }]);
    assert.deepEqual(conversation.turns.map((t) => [t.role, t.text, t.status]), [
      ['user', 'Explain this image.', undefined], ['assistant', 'A login form.', 'done'], ['user', 'Which colours?', undefined], ['assistant', '', 'streaming'],
    ]);
    assert.deepEqual(conversation.turns[1].stats, { promptTokens: 40 });
  });

  it('shows the streaming text as it arrives and keeps a stopped answer\'s partial text, marked', () => {
    const conversation = new Conversation();
    conversation.begin([image], [imageViewOf(image, 't')]);
    conversation.appendAnswer('Half an ans');
    assert.equal(conversation.turns[1].text, 'Half an ans');
    const ended = conversation.endAnswer('stopped');
    assert.deepEqual([ended?.text, ended?.status], ['Half an ans', 'stopped']);
    assert.equal(conversation.isAnswering, false);
  });

  it('keeps an error with its actions, and Retry replaces the failed answer with a new one', () => {
    const conversation = new Conversation();
    conversation.begin([image], [imageViewOf(image, 't')]);
    conversation.endAnswer('error', { error: 'llama-server exited', actions: ['retry', 'showLog'] });
    assert.deepEqual(conversation.turns[1].actions, ['retry', 'showLog']);
    const again = conversation.retry();
    assert.ok(again);
    assert.deepEqual(again.pending.request.map((t) => t.role), ['system', 'user']);
    assert.equal(conversation.turns.length, 2);
    assert.equal(conversation.turns[1].status, 'streaming');
  });

  it('a follow-up may bring a new image: it goes into the new user turn, earlier turns untouched', () => {
    const conversation = new Conversation();
    const first = conversation.begin([image], [imageViewOf(image, 't')]);
    conversation.appendAnswer('A form.');
    conversation.endAnswer('done');
    const second: PreparedImage = { ...image, label: 'crop.png', sha256: 'y' };
    const { user, pending } = conversation.followUp('', [second], [imageViewOf(second, 'u', { tokens: 576, warning: 'small text' })]);
    assert.deepEqual(pending.request.slice(0, 2), first.pending.request);
    assert.deepEqual(pending.request.at(-1), { role: 'user', text: 'Explain this image.', images: [second] });
    assert.deepEqual(user.images?.map((i) => [i.label, i.tokens, i.warning]), [['crop.png', 576, 'small text']]);
  });

  it('the first message of an empty conversation may carry images: it begins the conversation', () => {
    const conversation = new Conversation();
    const { pending } = conversation.followUp('What is it?', [image], [imageViewOf(image, 't')]);
    assert.deepEqual(pending.request.map((t) => t.role), ['system', 'user']);
    assert.equal(pending.request[1].images?.[0], image);
  });

  it('refuses a follow-up while an answer streams, and a second begin', () => {
    const conversation = new Conversation();
    conversation.begin([image], [imageViewOf(image, 't')]);
    assert.throws(() => conversation.followUp('next'), /still streaming/);
    conversation.endAnswer('done');
    assert.throws(() => conversation.begin([image], [imageViewOf(image, 't')]), /already begun/);
  });

  describe('draftTurns (prefill while typing)', () => {
    const other: PreparedImage = { ...image, label: 'other.png', data: Buffer.from('other'), sha256: 'y' };

    it('a first question about attached images: exactly what followUp then sends', () => {
      const drafting = new Conversation();
      const draft = drafting.draftTurns('What is this?', [image]);
      const { pending } = new Conversation().followUp('What is this?', [image], [imageViewOf(image, 't')]);
      assert.deepEqual(draft, pending.request);
      assert.deepEqual(draft?.map((t) => t.role), ['system', 'user']);
    });

    it('a follow-up, with or without new images: the earlier turns unchanged, then the draft', () => {
      for (const images of [[], [other]]) {
        const conversation = new Conversation();
        conversation.begin([image], [imageViewOf(image, 't')]);
        conversation.appendAnswer('A login form.');
        conversation.endAnswer('done');
        const draft = conversation.draftTurns('  Which colours  ', images);
        const { pending } = conversation.followUp('  Which colours  ', images, images.map((i) => imageViewOf(i, 't')));
        assert.deepEqual(draft, pending.request);
      }
    });

    it('a question with no conversation and no image gets the system prompt, as followUp does', () => {
      const draft = new Conversation().draftTurns('hello');
      assert.deepEqual(draft, new Conversation().followUp('hello').pending.request);
    });

    it('nothing typed: after an answer, the conversation up to an empty question turn; before any, nothing', () => {
      const conversation = new Conversation();
      assert.equal(conversation.draftTurns('  '), undefined);
      conversation.begin([image], [imageViewOf(image, 't')]);
      conversation.appendAnswer('A login form.');
      conversation.endAnswer('done');
      assert.deepEqual(conversation.draftTurns(''), [...conversation.sentTurns, { role: 'user', text: '' }]);
      assert.deepEqual(conversation.draftTurns('', [other])?.at(-1), { role: 'user', text: 'Explain this image.', images: [other] });
    });

    it('nothing while an answer streams, and the conversation is unchanged by a draft', () => {
      const conversation = new Conversation();
      conversation.begin([image], [imageViewOf(image, 't')]);
      assert.equal(conversation.draftTurns('next'), undefined);
      conversation.endAnswer('done');
      const before = [...conversation.sentTurns];
      conversation.draftTurns('next', [other]);
      assert.deepEqual(conversation.sentTurns, before);
    });
  });
});
