// The Design2Code score (src/core/score/design2CodeScore.ts) on a small landing page: each kind of
// damage lowers exactly its own part (moved blocks Position, missing or extra blocks Block-Match,
// changed words Text, changed colours Colour), more damage lowers it more, and blocks cut
// differently on the two sides are merged before they are matched.

import assert from 'node:assert/strict';
import { design2CodeScore, type Design2CodeScore } from '../../../src/core/score/design2CodeScore';
import type { BlockSet, TextBlock } from '../../../src/core/score/textBlocks';

const SIZE = { width: 1000, height: 800 };

const LANDING: readonly TextBlock[] = [
  { text: 'Acme Cloud', box: { x: 40, y: 20, width: 160, height: 32 }, color: { r: 20, g: 20, b: 20 } },
  { text: 'Pricing', box: { x: 700, y: 28, width: 80, height: 20 }, color: { r: 60, g: 60, b: 60 } },
  { text: 'Sign in', box: { x: 820, y: 28, width: 70, height: 20 }, color: { r: 37, g: 99, b: 235 } },
  { text: 'Ship faster with fewer servers', box: { x: 120, y: 180, width: 760, height: 64 }, color: { r: 17, g: 24, b: 39 } },
  { text: 'Deploy from git in one click and scale when traffic comes.', box: { x: 160, y: 270, width: 680, height: 56 }, color: { r: 90, g: 90, b: 90 } },
  { text: 'Start free trial', box: { x: 400, y: 360, width: 200, height: 44 }, color: { r: 255, g: 255, b: 255 } },
  { text: 'Trusted by 2,000 teams', box: { x: 380, y: 460, width: 240, height: 20 }, color: { r: 107, g: 114, b: 128 } },
  { text: '© 2025 Acme Inc.', box: { x: 420, y: 760, width: 160, height: 16 }, color: { r: 156, g: 163, b: 175 } },
];

function set(blocks: readonly TextBlock[], size = SIZE): BlockSet {
  return { blocks, size };
}

function score(page: readonly TextBlock[], mockup: readonly TextBlock[] = LANDING): Design2CodeScore {
  return design2CodeScore(set(mockup), set(page));
}

function parts(result: Design2CodeScore): Record<'blockMatch' | 'text' | 'position' | 'color', number | null> {
  return { blockMatch: result.blockMatch, text: result.text, position: result.position, color: result.color };
}

function moved(blocks: readonly TextBlock[], dx: number, dy: number): TextBlock[] {
  return blocks.map((block) => ({ ...block, box: { ...block.box, x: block.box.x + dx, y: block.box.y + dy } }));
}

function recoloured(blocks: readonly TextBlock[], shift: number): TextBlock[] {
  const channel = (value: number): number => (value > 127 ? value - shift : value + shift);
  return blocks.map((block) => ({ ...block, color: block.color && { r: channel(block.color.r), g: channel(block.color.g), b: channel(block.color.b) } }));
}

describe('design2CodeScore', () => {
  it('scores a page 1 on every part against the same blocks, every block matched', () => {
    const result = score(LANDING);
    assert.deepEqual(parts(result), { blockMatch: 1, text: 1, position: 1, color: 1 });
    assert.equal(result.matches.length, LANDING.length);
    assert.deepEqual(result.missing, []);
    assert.deepEqual(result.extra, []);
    assert.deepEqual(result.matches.map((match) => match.mockup.text), LANDING.map((block) => block.text));
  });

  it('lowers only Position when the blocks trade places', () => {
    // Each text takes the next one's box.
    const shuffled = LANDING.map((block, index) => ({ ...block, box: LANDING[(index + 1) % LANDING.length].box }));
    const result = score(shuffled);
    assert.ok(result.position < 0.8, `position ${result.position}`);
    assert.deepEqual({ ...parts(result), position: 1 }, { blockMatch: 1, text: 1, position: 1, color: 1 });
  });

  it('lowers only Block-Match when a block is missing, and names it', () => {
    const result = score(LANDING.filter((block) => block.text !== 'Trusted by 2,000 teams'));
    assert.ok(result.blockMatch < 1, `block match ${result.blockMatch}`);
    assert.deepEqual(result.missing.map((block) => block.text), ['Trusted by 2,000 teams']);
    assert.deepEqual(result.extra, []);
    assert.deepEqual({ ...parts(result), blockMatch: 1 }, { blockMatch: 1, text: 1, position: 1, color: 1 });
    // Matched area over all area: the missing block's area counts on the mockup side only.
    const area = (block: TextBlock): number => (block.box.width * block.box.height) / (SIZE.width * SIZE.height);
    const all = LANDING.reduce((sum, block) => sum + 2 * area(block), 0);
    const lost = area(LANDING[6]);
    assert.ok(Math.abs(result.blockMatch - (all - 2 * lost) / (all - lost)) < 1e-12);
  });

  it('lowers only Block-Match when the page adds a block, and names it as extra', () => {
    const cookie: TextBlock = { text: 'Cookie settings', box: { x: 20, y: 760, width: 120, height: 16 }, color: { r: 0, g: 0, b: 0 } };
    const result = score([...LANDING, cookie]);
    assert.ok(result.blockMatch < 1);
    assert.deepEqual(result.extra.map((block) => block.text), ['Cookie settings']);
    assert.deepEqual(result.missing, []);
    assert.deepEqual({ ...parts(result), blockMatch: 1 }, { blockMatch: 1, text: 1, position: 1, color: 1 });
  });

  it('lowers only Text when words change', () => {
    const changed = LANDING.map((block) => (block.text === 'Ship faster with fewer servers' ? { ...block, text: 'Ship faster with less servers' } : block));
    const result = score(changed);
    assert.ok(result.text < 1 && result.text > 0.9, `text ${result.text}`);
    assert.deepEqual({ ...parts(result), text: 1 }, { blockMatch: 1, text: 1, position: 1, color: 1 });
  });

  it('lowers only Colour when the text colours change', () => {
    const result = score(recoloured(LANDING, 60));
    assert.ok(result.color !== null && result.color < 0.9, `color ${result.color}`);
    assert.deepEqual({ ...parts(result), color: 1 }, { blockMatch: 1, text: 1, position: 1, color: 1 });
  });

  it('scores more damage lower, part by part', () => {
    const decreasing = (values: readonly number[], label: string): void => {
      for (let k = 1; k < values.length; k++) assert.ok(values[k] < values[k - 1], `${label}: ${values.join(', ')}`);
    };
    decreasing([0, 10, 30, 60, 120].map((shift) => score(moved(LANDING, shift, shift / 2)).position), 'position as blocks move further');
    decreasing([0, 1, 2, 3, 4].map((dropped) => score(LANDING.slice(0, LANDING.length - dropped)).blockMatch), 'block match as more blocks are missing');
    decreasing([0, 20, 50, 90].map((shift) => score(recoloured(LANDING, shift)).color ?? NaN), 'colour as colours drift');
    const reworded = ['Ship faster with fewer servers', 'Ship faster with fewer server', 'Ship faster with less servers', 'Ship quicker with less servers'];
    decreasing(reworded.map((text) => score(LANDING.map((block, index) => (index === 3 ? { ...block, text } : block))).text), 'text as more letters change');
  });

  it('merges a paragraph the OCR read as two lines before matching it with the one DOM block', () => {
    const mockup = [
      ...LANDING.slice(0, 4),
      { text: 'Deploy from git in one click', box: { x: 160, y: 270, width: 680, height: 28 }, color: { r: 90, g: 90, b: 90 } },
      { text: 'and scale when traffic comes.', box: { x: 160, y: 298, width: 680, height: 28 }, color: { r: 90, g: 90, b: 90 } },
      ...LANDING.slice(5),
    ];
    const result = score(LANDING, mockup);
    assert.deepEqual(parts(result), { blockMatch: 1, text: 1, position: 1, color: 1 });
    const paragraph = result.matches.find((match) => match.page.text.startsWith('Deploy'));
    assert.ok(paragraph);
    assert.deepEqual(paragraph.mockup.parts.map((part) => part.text), ['Deploy from git in one click', 'and scale when traffic comes.']);
    assert.deepEqual(paragraph.mockup.box, LANDING[4].box);
    assert.deepEqual(result.missing, []);
  });

  it('merges two texts in one box (two text nodes of one element) on the page side', () => {
    const page = [...LANDING.slice(0, 5), { ...LANDING[5], text: 'Start free' }, { ...LANDING[5], text: 'trial' }, ...LANDING.slice(6)];
    const result = score(page);
    assert.deepEqual(parts(result), { blockMatch: 1, text: 1, position: 1, color: 1 });
    assert.equal(result.matches.length, LANDING.length);
  });

  it('drops a pair whose texts are less than half alike: the mockup block is missing, the page block extra', () => {
    const page = LANDING.map((block, index) => (index === 5 ? { ...block, text: 'Book a demo' } : block));
    const result = score(page);
    assert.deepEqual(result.missing.map((block) => block.text), ['Start free trial']);
    assert.deepEqual(result.extra.map((block) => block.text), ['Book a demo']);
    assert.equal(result.text, 1);
  });

  it('ignores letter case, as the reference lower-cases every text', () => {
    const shouting = LANDING.map((block) => ({ ...block, text: block.text.toUpperCase() }));
    assert.deepEqual(parts(score(shouting)), { blockMatch: 1, text: 1, position: 1, color: 1 });
  });

  it('compares boxes as fractions of each image, so a render at twice the size still scores 1', () => {
    const doubled = LANDING.map((block) => ({ ...block, box: { x: 2 * block.box.x, y: 2 * block.box.y, width: 2 * block.box.width, height: 2 * block.box.height } }));
    const result = design2CodeScore(set(LANDING), set(doubled, { width: 2000, height: 1600 }));
    assert.deepEqual(parts(result), { blockMatch: 1, text: 1, position: 1, color: 1 });
  });

  it('gives Colour as null when no matched pair has a colour on both sides', () => {
    const colourless = LANDING.map(({ text, box }) => ({ text, box }));
    const result = score(colourless);
    assert.equal(result.color, null);
    assert.deepEqual({ ...parts(result), color: 1 }, { blockMatch: 1, text: 1, position: 1, color: 1 });
  });

  it('scores 0 on every part when a side has no text or nothing matches', () => {
    const empty = score([]);
    assert.deepEqual(parts(empty), { blockMatch: 0, text: 0, position: 0, color: 0 });
    assert.equal(empty.missing.length, LANDING.length);
    const unrelated = score([{ text: 'Lorem ipsum dolor', box: { x: 0, y: 0, width: 100, height: 20 } }]);
    assert.deepEqual(parts(unrelated), { blockMatch: 0, text: 0, position: 0, color: 0 });
    assert.deepEqual(unrelated.extra.map((block) => block.text), ['Lorem ipsum dolor']);
  });

  it('leaves out blocks with no text or no area in the image, and clips a box to the image', () => {
    const blank: TextBlock = { text: '   ', box: { x: 10, y: 10, width: 50, height: 10 } };
    const below: TextBlock = { text: 'Below the fold', box: { x: 10, y: 900, width: 200, height: 20 } };
    const result = score([...LANDING.slice(0, 7), { ...LANDING[7], box: { ...LANDING[7].box, height: 100 } }, blank, below]);
    assert.deepEqual(result.ignored.page, [blank, below]);
    assert.deepEqual(result.extra, []);
    const footer = result.matches.find((match) => match.mockup.text.startsWith('©'));
    assert.deepEqual(footer?.page.box, { x: 420, y: 760, width: 160, height: 40 });
  });

  it('refuses a colour outside 0–255 and an image with no area', () => {
    assert.throws(() => score([{ ...LANDING[0], color: { r: 300, g: 0, b: 0 } }]), /from 0 to 255/);
    assert.throws(() => design2CodeScore(set(LANDING, { width: 0, height: 800 }), set(LANDING)), /no area/);
  });
});
