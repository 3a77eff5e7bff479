// Converting a live conversation to its saved record and back: images by hash only, titles from the
// first question, an answer that never ended shown as interrupted with Retry.

import assert from 'node:assert/strict';
import { GlimpseError } from '../../../src/core/errors';
import {
  chatTurnsFromRecord, deriveTitle, interruptedAnswerMessage, missingImageThumbnail, recordFromTurns, settleInterrupted, turnViewsFromRecord,
} from '../../../src/core/history/convert';
import { validateConversationRecord, type ConversationRecord } from '../../../src/core/history/record';
import { answeredConversation, fakeImage } from './fixtures';

describe('history: converting conversations', () => {
  it('a record refers to images by hash and holds no image bytes or thumbnails', () => {
    const image = fakeImage('login.png');
    const { record } = answeredConversation('c1', [image], 'Why is the button grey?', 'It is disabled.');
    const json = JSON.stringify(record);
    assert.equal(json.includes(image.data.toString('base64').slice(0, 40)), false);
    assert.equal(json.includes('data:image'), false);
    assert.deepEqual(record.turns[0].images?.map((ref) => [ref.sha256, ref.label, ref.width, ref.originalWidth, ref.tokens]), [[image.sha256, 'login.png', 1200, 2400, 576]]);
    assert.deepEqual(record.sent[1].images?.map((ref) => ref.sha256), [image.sha256]);
    assert.deepEqual(record.sent.map((turn) => turn.role), ['system', 'user', 'assistant']);
    assert.equal(validateConversationRecord(JSON.parse(json)).ok, true);
  });

  it('the sent turns come back as the model was sent them, given the image bytes', () => {
    const image = fakeImage('login.png');
    const { record, sent } = answeredConversation('c1', [image], undefined, 'A login form.');
    const turns = chatTurnsFromRecord(JSON.parse(JSON.stringify(record)) as ConversationRecord, (sha256) => (sha256 === image.sha256 ? Buffer.from(image.data) : undefined));
    assert.deepEqual(turns, sent);
  });

  it('refuses to rebuild the sent turns without an image (history-image-missing)', () => {
    const { record } = answeredConversation('c1', [fakeImage('login.png')], undefined, 'A login form.');
    assert.throws(() => chatTurnsFromRecord(record, () => undefined), (error: unknown) => error instanceof GlimpseError && error.code === 'history-image-missing' && error.message.includes('login.png'));
  });

  it('refuses a view whose images do not match the question sent', () => {
    const image = fakeImage('a.png');
    const { conversation, sent } = answeredConversation('c1', [image], 'q', 'a');
    const withoutImages = sent.map((turn) => ({ role: turn.role, text: turn.text }));
    assert.throws(() => recordFromTurns({ id: 'c1', modelLabel: 'm', turns: conversation.turns, sent: withoutImages, createdAt: new Date() }), (error: unknown) => error instanceof GlimpseError && error.code === 'invalid-argument');
  });

  it('titles: the first question on one line, cut at a word to at most 60 characters; image names for the default question', () => {
    const long = '  Why does   this stack trace\nmention a null pointer in the payment service when the order is empty?  ';
    const title = deriveTitle([{ role: 'user', text: long }]);
    assert.ok(title.length <= 60, title);
    assert.equal(title, 'Why does this stack trace mention a null pointer in the…');
    assert.equal(deriveTitle([{ role: 'user', text: 'Short question?' }]), 'Short question?');
    const { record } = answeredConversation('c1', [fakeImage('error dialog.png')], undefined, 'x');
    assert.equal(record.title, 'Explain error dialog.png');
    assert.equal(record.titleIsCustom, false);
    const custom = recordFromTurns({ id: 'c1', modelLabel: 'm', turns: [], sent: [], createdAt: new Date(), customTitle: ' Mine ' });
    assert.deepEqual([custom.title, custom.titleIsCustom], ['Mine', true]);
  });

  it('an answer saved while streaming becomes interrupted; its partial text joins the sent turns', () => {
    const { record } = answeredConversation('c1', [fakeImage('a.png')], 'What is it?', undefined);
    const streaming: ConversationRecord = { ...record, turns: record.turns.map((turn, index) => (index === 1 ? { ...turn, text: 'It is a lo' } : turn)) };
    assert.equal(streaming.turns[1].status, 'streaming');
    const settled = settleInterrupted(streaming);
    assert.equal(settled.turns[1].status, 'interrupted');
    assert.equal(settled.turns[1].text, 'It is a lo');
    assert.deepEqual(settled.sent.at(-1), { role: 'assistant', text: 'It is a lo' });
    assert.equal(settled.sent.length, streaming.sent.length + 1);
    const empty = settleInterrupted(record);
    assert.equal(empty.sent.length, record.sent.length, 'an empty partial answer is not sent');
  });

  it('views: interrupted shows as an error with Retry; a missing image gets a placeholder and says so', () => {
    const image = fakeImage('a.png');
    const { record } = answeredConversation('c1', [image], 'What is it?', undefined);
    const views = turnViewsFromRecord(settleInterrupted(record), () => undefined);
    assert.deepEqual([views[1].status, views[1].error, views[1].actions], ['error', interruptedAnswerMessage, ['retry']]);
    assert.equal(views[0].images?.[0].thumbnail, missingImageThumbnail);
    assert.equal(views[0].images?.[0].label, 'a.png (image file missing)');
    const present = turnViewsFromRecord(record, (ref) => `data:image/png;base64,${ref.sha256.slice(0, 4)}`);
    assert.deepEqual(present[0].images?.[0], { label: 'a.png', thumbnail: `data:image/png;base64,${image.sha256.slice(0, 4)}`, width: 1200, height: 600, originalWidth: 2400, originalHeight: 1200, tokens: 576 });
  });

  it('the validator names the field that is wrong', () => {
    const { record } = answeredConversation('c1', [fakeImage('a.png')], 'q', 'a');
    const broken = JSON.parse(JSON.stringify(record)) as { turns: { images: { sha256: string }[] }[] };
    broken.turns[0].images[0].sha256 = 'not-a-hash';
    const result = validateConversationRecord(broken);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /turns\[0\]\.images\[0\]\.sha256/);
  });
});
