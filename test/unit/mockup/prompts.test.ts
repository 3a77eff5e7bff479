// Prompt assembly for mockup to code: the inventory step, the code step for each target with its
// rules, and the shared prefix (system prompt + image + inventory question) that lets the server
// reuse the image encoding between the two steps.

import assert from 'node:assert/strict';
import type { PreparedImage } from '../../../src/core/images/prepare';
import { codeRequest, codeTurns, inventoryQuestion, inventoryTurns, mockupSystemPrompt } from '../../../src/core/mockup/prompts';
import { MOCKUP_TARGETS, type MockupTargetId } from '../../../src/core/mockup/targets';

function image(label = 'login-mockup.png'): PreparedImage {
  return {
    label, mimeType: 'image/png', data: Buffer.from(label), sha256: label, originalWidth: 800, originalHeight: 600,
    width: 800, height: 600, downscaled: false, sourceFormat: 'png',
  };
}

const inventory = 'TEXTS:\n- "Welcome back"\n- "Sign in"\nELEMENTS:\n- button "Sign in"\nLAYOUT:\n- centred card\nCOLOURS:\n- background #f8fafc';

describe('mockup prompts', () => {
  it('step 1 sends the system prompt, then the image first with the inventory question', () => {
    const turns = inventoryTurns(image());
    assert.deepEqual(turns, [
      { role: 'system', text: mockupSystemPrompt },
      { role: 'user', text: inventoryQuestion, images: [image()] },
    ]);
    for (const part of ['TEXTS:', 'ELEMENTS:', 'LAYOUT:', 'COLOURS:', 'word for word', 'top to bottom', 'hex', 'bullet']) {
      assert.ok(inventoryQuestion.includes(part), `the inventory question asks for ${part}`);
    }
  });

  it('step 2 extends step 1 unchanged: inventory as the answer, then the code request, image only in the first user turn', () => {
    for (const target of MOCKUP_TARGETS) {
      const first = inventoryTurns(image());
      const second = codeTurns(image(), target.id, `\n${inventory}\n\n`, {});
      assert.equal(JSON.stringify(second.slice(0, first.length)), JSON.stringify(first), `${target.id}: step 2 starts with step 1`);
      assert.deepEqual(second[2], { role: 'assistant', text: inventory });
      assert.equal(second[3].role, 'user');
      assert.equal(second[3].images, undefined, 'the image is sent once, in the shared prefix');
      assert.match(second[3].text, /Use every text and every element from your list above/);
      assert.equal(second.length, 4);
    }
  });

  it('the shared prefix does not depend on the target or the instructions', () => {
    const prefixes = MOCKUP_TARGETS.map((target) => JSON.stringify(codeTurns(image(), target.id, inventory, { instructions: `for ${target.id}` }).slice(0, 2)));
    assert.equal(new Set(prefixes).size, 1);
  });

  it('one step: the image and the code request in one user turn, with no reference to a list', () => {
    const turns = codeTurns(image(), 'html', undefined, { instructions: 'dark theme' });
    assert.equal(turns.length, 2);
    assert.deepEqual(turns[0], { role: 'system', text: mockupSystemPrompt });
    assert.deepEqual(turns[1].images, [image()]);
    assert.match(turns[1].text, /^Write the HTML \+ CSS code for this user interface\. Keep every visible element and copy every text exactly/);
    assert.doesNotMatch(turns[1].text, /list above/);
    assert.match(turns[1].text, /dark theme/);
  });

  it('an empty inventory falls back to the one-step request', () => {
    assert.deepEqual(codeTurns(image(), 'react', '  \n ', {}), codeTurns(image(), 'react', undefined, {}));
  });

  const rules: Record<MockupTargetId, { has: RegExp[]; hasNot: RegExp[] }> = {
    html: {
      has: [/self-contained HTML file/, /<style> element/, /no external URLs/i, /no CDN/, /plain <div> with a background colour/, /inline <svg>/, /```html/],
      hasNot: [/Tailwind/, /React/, /<script setup/],
    },
    tailwind: {
      has: [/Tailwind CSS utility classes/, /Do not add any <script> or <link> for Tailwind/, /bg-\[#/, /```html/],
      hasNot: [/<style> element holding all the CSS/, /<script setup/],
    },
    react: {
      has: [/export default function App\(\)/, /Import nothing except from "react"/, /inline style objects/, /className/, /```tsx/],
      hasNot: [/Tailwind/, /<script setup/],
    },
    vue: {
      has: [/<template>/, /<script setup lang="ts">/, /<style scoped>/, /Import nothing except from "vue"/, /```vue/],
      hasNot: [/Tailwind/, /export default function/],
    },
  };

  for (const target of MOCKUP_TARGETS) {
    it(`the ${target.id} request names the target and carries only its own rules`, () => {
      for (const withInventory of [true, false]) {
        const text = codeRequest(target.id, withInventory);
        assert.ok(text.includes(target.label), `names ${target.label}`);
        for (const pattern of rules[target.id].has) assert.match(text, pattern);
        for (const pattern of rules[target.id].hasNot) assert.doesNotMatch(text, pattern);
        assert.match(text, /Answer with exactly one fenced code block \(```\w+\) holding the complete file, and nothing else\.$/, 'the format rule comes last');
      }
    });
  }

  it('adds the user\'s instructions before the answer format, and nothing when they are blank', () => {
    const text = codeRequest('vue', true, { instructions: '  use CSS grid  ' });
    const lines = text.split('\n');
    assert.equal(lines[lines.length - 2], 'Also follow these instructions from the user: use CSS grid');
    assert.doesNotMatch(codeRequest('vue', true, { instructions: '   ' }), /instructions from the user/);
    assert.doesNotMatch(codeRequest('vue', true), /instructions from the user/);
  });
});
