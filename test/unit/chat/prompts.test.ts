// Prompt assembly for "explain this image": the structure a model receives, and follow-ups that
// leave the earlier turns (and so the image prefix the server has cached) untouched.

import assert from 'node:assert/strict';
import { explainImageTurns, explainSystemPrompt, guessImageKind } from '../../../src/core/chat/prompts';
import type { PreparedImage } from '../../../src/core/images/prepare';

function image(label: string): PreparedImage {
  return {
    label, mimeType: 'image/png', data: Buffer.from(label), sha256: label, originalWidth: 10, originalHeight: 10,
    width: 10, height: 10, downscaled: false, sourceFormat: 'png',
  };
}

describe('explain prompts', () => {
  it('guesses the kind of image from its file name', () => {
    assert.equal(guessImageKind('Screenshot 2026-11-28 at 10.00.00.png'), 'screenshot');
    assert.equal(guessImageKind('system-architecture.png'), 'diagram');
    assert.equal(guessImageKind('login-mockup-v2.png'), 'ui-mockup');
    assert.equal(guessImageKind('IMG_2041.jpg'), 'photo');
    assert.equal(guessImageKind('cat.png'), 'auto');
  });

  it('sends the system prompt, then one user turn with the images and the kind\'s checklist', () => {
    const turns = explainImageTurns({ images: [image('error-screenshot.png')] });
    assert.equal(turns.length, 2);
    assert.deepEqual(turns[0], { role: 'system', text: explainSystemPrompt });
    assert.equal(turns[1].role, 'user');
    assert.deepEqual(turns[1].images?.map((i) => i.label), ['error-screenshot.png']);
    assert.match(turns[1].text, /^This is a screenshot\./);
  });

  it('keeps the checklist as context and puts the user\'s own question last', () => {
    const turns = explainImageTurns({ images: [image('flow-diagram.png')], question: '  What calls the auth service?  ' });
    assert.match(turns[1].text, /^\(Context: This is a diagram\.[^]*\)\n\nWhat calls the auth service\?$/);
  });

  it('an explicit kind wins over the file name; several images use the general checklist', () => {
    assert.match(explainImageTurns({ images: [image('screenshot.png')], kind: 'photo' })[1].text, /^Describe this photo/);
    assert.match(explainImageTurns({ images: [image('screenshot.png'), image('b.png')] })[1].text, /^Say in one sentence what kind of image/);
  });
});
