// The prompts for "mockup to code", in one place, each with the reason it reads as it does.
//
// Two steps by default. Design2Code (Si et al. 2024) found that small open models mostly fail by
// *leaving elements out*, and that giving them the page's text first ("text-augmented" prompting)
// lifted LLaVA-1.6-7B's block match from 50.4 to 68.4, while asking them to revise their own code
// made it worse. So step 1 asks for an inventory (texts verbatim, elements, layout, colours) and
// step 2 asks for the code with that inventory in front of the model; there is no revision step.
//
// Step 2's turns are step 1's turns plus the inventory (as the assistant's answer) and the code
// request: the same system prompt, the same image, the same first user turn, byte for byte. With
// `cache_prompt` llama-server then reuses step 1's KV cache, image encoding included, and only
// processes the inventory and the code request. Keep it that way when editing: nothing that
// depends on the target or on the user's instructions may go into the first two turns.

import type { ChatTurn } from '../openai/turn';
import type { PreparedImage } from '../images/prepare';
import { mockupTarget, type MockupTargetId } from './targets';

export interface MockupPromptOptions {
  /** The user's extra instructions ("dark theme", "use CSS grid"); appended to the code request. */
  readonly instructions?: string;
}

/**
 * Why: target-neutral, so the inventory conversation is the same whichever code is asked for next
 * (and its cache is reused). It names the one failure that matters most for small models: leaving
 * things out, and inventing text they cannot read.
 */
export const mockupSystemPrompt =
  'You are Glimpse, an expert front-end developer inside a code editor. You rebuild user interfaces from ' +
  'screenshots and mockups. Be faithful to the image: keep every visible element and copy every text exactly; ' +
  'do not invent content that is not there.';

/**
 * Why: a fixed four-part skeleton with bullets is what a 2-7B model follows reliably and what is
 * cheap to read back in step 2. Texts come first because missing text is the largest loss in
 * Design2Code; "verbatim, in quotes" stops paraphrase. Hex colours give step 2 something concrete.
 * "No code" keeps the answer short (the code comes next).
 */
export const inventoryQuestion = [
  'List everything in this user interface so that it can be rebuilt exactly. Answer with these four parts, as short bullet points, and nothing else:',
  'TEXTS: every visible text, word for word, in reading order, each in double quotes.',
  'ELEMENTS: each button, link, input, checkbox, dropdown, image, icon and card, with its label.',
  'LAYOUT: the regions from top to bottom (header, navigation, sidebar, main content, footer…) and how the elements in each are arranged (row, column, grid).',
  'COLOURS: page background, text, buttons and accents, as hex values.',
  'Write no code yet.',
].join('\n');

/** Why each rule set: what breaks the preview or the user's project when that target goes wrong. */
const targetRules: Record<MockupTargetId, readonly string[]> = {
  // The preview renders the file in a sandboxed iframe with no network: anything external is lost,
  // and a broken image icon reads as a missing element. Coloured boxes keep the layout honest.
  html: [
    'Write one complete, self-contained HTML file: <!DOCTYPE html>, <head> with a <style> element holding all the CSS, and <body>.',
    'Use no external URLs at all: no CDN, no web fonts, no remote images, no <link> or <script src>.',
    'For pictures and photos use a plain <div> with a background colour and the right size; for icons use a small inline <svg> or a Unicode symbol.',
    'Use semantic elements (header, nav, main, section, footer, button, input, label) and flexbox or grid for the layout.',
  ],
  // The preview injects the Tailwind runtime itself; a model-written CDN tag would fail offline and
  // load a second copy. Arbitrary values keep exact mockup colours instead of the nearest palette one.
  tailwind: [
    'Write one complete HTML file styled only with Tailwind CSS utility classes in class attributes: <!DOCTYPE html>, <head> and <body>.',
    'Do not add any <script> or <link> for Tailwind: it is already loaded. Use no other external URLs, web fonts or remote images.',
    'Match colours exactly with arbitrary values such as bg-[#1e3a8a] and text-[#334155] when no palette colour fits.',
    'For pictures and photos use a <div> with a background colour class and the right size; for icons use a small inline <svg> or a Unicode symbol.',
  ],
  // Something the user can paste into any React project: one default export, nothing to install,
  // and no stylesheet file to create.
  react: [
    'Write one React function component in TypeScript (a .tsx file), exported with `export default function App()`.',
    'Import nothing except from "react". Use no UI libraries, no CSS files and no external URLs.',
    'Style with inline style objects, or one <style> element in the returned JSX holding a CSS string; use className, not class.',
    'For pictures and photos use a <div> with a background colour and the right size; for icons use a small inline <svg> or a Unicode symbol.',
  ],
  // The standard Vue 3 form, so the file drops into a Vite project as it is.
  vue: [
    'Write one Vue 3 single-file component with exactly three parts: <template>, <script setup lang="ts"> and <style scoped>.',
    'Import nothing except from "vue". Use no UI libraries and no external URLs, web fonts or remote images.',
    'For pictures and photos use a <div> with a background colour and the right size; for icons use a small inline <svg> or a Unicode symbol.',
  ],
};

/** The fence tag the model is asked to use (the first the extractor prefers). */
function fenceTag(target: MockupTargetId): string {
  return mockupTarget(target).fenceLanguages[0];
}

/**
 * The code request. Why: the goal sentence first, then "use every listed text and element" when an
 * inventory exists (the point of step 1), the target's rules, the user's instructions, and the
 * answer format last, where small models are most likely to still follow it. Exactly one fenced
 * block makes extraction reliable and keeps prose out of the editor.
 */
export function codeRequest(target: MockupTargetId, withInventory: boolean, options: MockupPromptOptions = {}): string {
  const spec = mockupTarget(target);
  const lines = [
    withInventory
      ? `Now write the ${spec.label} code for this user interface. Use every text and every element from your list above, with the texts exactly as written, in the layout and colours you listed.`
      : `Write the ${spec.label} code for this user interface. Keep every visible element and copy every text exactly as written; match the layout, sizes and colours as closely as you can.`,
    ...targetRules[target],
  ];
  const instructions = options.instructions?.trim();
  if (instructions) lines.push(`Also follow these instructions from the user: ${instructions}`);
  lines.push(`Answer with exactly one fenced code block (\`\`\`${fenceTag(target)}) holding the complete file, and nothing else.`);
  return lines.join('\n');
}

/** Step 1: the system prompt, then the image and the inventory question. Target-neutral (see the header). */
export function inventoryTurns(image: PreparedImage): ChatTurn[] {
  return [
    { role: 'system', text: mockupSystemPrompt },
    { role: 'user', text: inventoryQuestion, images: [image] },
  ];
}

/**
 * Step 2 (or the only step). With an inventory: step 1's turns unchanged, the inventory as the
 * assistant's answer, then the code request, so the server's cached prefix (the image) is reused.
 * Without one (one-step, or an empty inventory): the image and the code request in one user turn.
 */
export function codeTurns(image: PreparedImage, target: MockupTargetId, inventory: string | undefined, options: MockupPromptOptions = {}): ChatTurn[] {
  const listed = inventory?.trim();
  if (!listed) {
    return [
      { role: 'system', text: mockupSystemPrompt },
      { role: 'user', text: codeRequest(target, false, options), images: [image] },
    ];
  }
  return [
    ...inventoryTurns(image),
    { role: 'assistant', text: listed },
    { role: 'user', text: codeRequest(target, true, options) },
  ];
}
