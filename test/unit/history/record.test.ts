// The conversation record's validator: a record as Glimpse writes it passes (unknown fields kept),
// and each kind of damage is refused with a reason that names the field by its path.

import assert from 'node:assert/strict';
import { historyFormatVersion, isConversationId, isSha256, validateConversationRecord } from '../../../src/core/history/record';
import { answeredConversation, fakeImage } from './fixtures';

/** A saved record as plain JSON data, to break. */
function savedRecord(): Record<string, any> {
  return JSON.parse(JSON.stringify(answeredConversation('c1', [fakeImage('a.png')], 'What is it?', 'A button.').record));
}

function reasonFor(mutate: (record: Record<string, any>) => unknown): string {
  const record = savedRecord();
  const result = validateConversationRecord(mutate(record) ?? record);
  assert.equal(result.ok, false, 'the record should be refused');
  return result.ok ? '' : result.reason;
}

describe('conversation record validator', () => {
  it('accepts a record as Glimpse saves it, and returns it with fields it does not know kept', () => {
    const record = { ...savedRecord(), addedLater: { pinned: true } };
    const result = validateConversationRecord(record);
    assert.equal(result.ok, true);
    assert.equal(result.ok && result.record, record);
    assert.deepEqual(result.ok && (result.record as unknown as { addedLater: unknown }).addedLater, { pinned: true });
  });

  for (const [what, mutate, reason] of [
    ['a list instead of a record', () => [], 'the content is not an object'],
    ['a string instead of a record', () => 'conversation', 'the content is not an object'],
    ['a missing title', (r: Record<string, any>) => { delete r.title; }, 'title is missing'],
    ['a title of the wrong type', (r: Record<string, any>) => { r.title = 7; }, 'title is not a string'],
    ['an older format version', (r: Record<string, any>) => { r.version = 0; }, `version is not ${historyFormatVersion}`],
    ['an id that is no file name', (r: Record<string, any>) => { r.id = '../x'; }, 'id is not an id of letters, digits, "-" and "_"'],
    ['a date that is no date', (r: Record<string, any>) => { r.updatedAt = 'yesterday'; }, 'updatedAt is not an ISO date'],
    ['titleIsCustom as a string', (r: Record<string, any>) => { r.titleIsCustom = 'no'; }, 'titleIsCustom is not true or false'],
    ['turns that are not a list', (r: Record<string, any>) => { r.turns = 'oops'; }, 'turns is not a list'],
    ['stats given as a list', (r: Record<string, any>) => { r.turns[1].stats = []; }, 'turns[1].stats is not an object'],
    ['a turn that is not an object', (r: Record<string, any>) => { r.turns[1] = 'A button.'; }, 'turns[1] is not an object'],
    ['a turn of an unknown role', (r: Record<string, any>) => { r.turns[0].role = 'system'; }, 'turns[0].role is not one of user, assistant'],
    ['an unknown turn status', (r: Record<string, any>) => { r.turns[1].status = 'paused'; }, 'turns[1].status is not one of streaming, done, stopped, error, interrupted'],
    ['an unknown error action', (r: Record<string, any>) => { r.turns[1].actions = ['retry', 'format']; }, 'turns[1].actions[1] is not one of openSettings, showLog, retry, getEngine'],
    ['a negative token count', (r: Record<string, any>) => { r.turns[1].stats.generatedTokens = -1; }, 'turns[1].stats.generatedTokens is not a number ≥ 0'],
    ['a malformed image hash', (r: Record<string, any>) => { r.turns[0].images[0].sha256 = 'not-a-hash'; }, 'turns[0].images[0].sha256 is not a SHA-256 in hex'],
    ['an image of zero width', (r: Record<string, any>) => { r.turns[0].images[0].width = 0; }, 'turns[0].images[0].width is not a positive whole number'],
    ['an image of an unknown type', (r: Record<string, any>) => { r.turns[0].images[0].mimeType = 'image/gif'; }, 'turns[0].images[0].mimeType is not one of image/png, image/jpeg'],
    ['a sent turn without text', (r: Record<string, any>) => { delete r.sent[0].text; }, 'sent[0].text is missing'],
    ['a sent image without its hash', (r: Record<string, any>) => { delete r.sent[1].images[0].sha256; }, 'sent[1].images[0].sha256 is missing'],
  ] as const) {
    it(`refuses ${what}, saying "${reason}"`, () => assert.equal(reasonFor(mutate), reason));
  }

  it('tells a file from a newer Glimpse apart from a corrupt one', () => {
    const result = validateConversationRecord({ version: historyFormatVersion + 1, id: 'future' });
    assert.deepEqual(result, { ok: false, newerVersion: historyFormatVersion + 1, reason: `it was written by a newer Glimpse (history format ${historyFormatVersion + 1}, this version reads ${historyFormatVersion})` });
  });

  it('checks ids and hashes on their own', () => {
    assert.equal(isConversationId('3f2a-b_9'), true);
    assert.equal(isConversationId('a/b'), false);
    assert.equal(isConversationId(''), false);
    assert.equal(isConversationId(42), false);
    assert.equal(isSha256('a'.repeat(64)), true);
    assert.equal(isSha256('A'.repeat(64)), false);
    assert.equal(isSha256('a'.repeat(63)), false);
  });
});
