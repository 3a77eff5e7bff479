// The prompts Glimpse sends to explain an image, in one place, each with the reason it reads as it
// does. Small local models follow short, concrete instructions better than long ones, and they
// skip what they are not asked for: so each kind of image gets a checklist of what matters for it.

import type { PreparedImage } from '../images/prepare';
import type { ChatTurn } from '../openai/turn';

export type ImageKind = 'auto' | 'screenshot' | 'diagram' | 'ui-mockup' | 'photo';

/**
 * Why: the audience is a developer in their editor; answers should be short, structured and
 * factual, and the model should say when it cannot read something rather than invent it
 * (small VLMs hallucinate text they cannot resolve at the downscaled size).
 */
export const explainSystemPrompt =
  'You are Glimpse, a vision assistant inside a code editor. You help software developers understand images: ' +
  'screenshots, diagrams, UI mockups and photos. Answer in Markdown. Be concise and concrete. ' +
  'Quote visible text exactly. If something is too small or blurry to read, say so instead of guessing.';

/** Why each checklist: what a developer usually needs from that kind of image. */
const kindInstructions: Record<ImageKind, string> = {
  // Let the model classify first: one sentence of "what is this" anchors the rest.
  auto: 'Say in one sentence what kind of image this is, then explain what it shows and what matters in it for a developer.',
  // Screenshots of tools, terminals and apps: errors and state are what the user is after.
  screenshot:
    'This is a screenshot. Say which application or page it shows, quote any error messages, warnings or ' +
    'highlighted values exactly, and explain what state the program is in and what the user might do next.',
  // Diagrams: the structure (boxes, arrows, direction) is the content.
  diagram:
    'This is a diagram. Name its type (architecture, sequence, flowchart, ER, …), list the components and ' +
    'how they connect (direction of arrows and labels), then summarise what the diagram says.',
  // Mockups: the inventory of elements is what later becomes code (see the mockup prompts).
  'ui-mockup':
    'This is a user-interface mockup or screenshot. List its layout regions from top to bottom, the controls ' +
    'and their labels, and the visible text, then describe the visual style (colours, spacing, typography).',
  // Photos: a plain description; developers photograph whiteboards and hardware.
  photo: 'Describe this photo. If it shows a whiteboard, paper or a screen, transcribe the writing you can read.',
};

/** A cheap guess from the file name; `auto` when nothing hints at a kind. */
export function guessImageKind(fileName: string): ImageKind {
  const name = fileName.toLowerCase();
  if (/screen ?shot|screenshot|capture|snip|scrot|^shot/.test(name)) return 'screenshot';
  if (/diagram|architecture|flow|sequence|uml|erd|\.drawio|\.mmd|\.svg$/.test(name)) return 'diagram';
  if (/mock|wireframe|figma|design|layout|sketch/.test(name)) return 'ui-mockup';
  if (/^(img|dsc|pxl|photo)[_-]?\d/.test(name)) return 'photo';
  return 'auto';
}

export interface ExplainRequest {
  readonly images: readonly PreparedImage[];
  /** The user's own question; when absent the kind's checklist is the question. */
  readonly question?: string;
  readonly kind?: ImageKind;
}

/** The turns for a first question about one or more images. */
export function explainImageTurns(request: ExplainRequest): ChatTurn[] {
  const kind = request.kind ?? (request.images.length === 1 ? guessImageKind(request.images[0].label) : 'auto');
  const question = request.question?.trim();
  // The user's own question comes last: small models weigh the end of the prompt most, and while
  // the question is typed, the prefill (draftPrefill.ts) has everything before it in the cache.
  const text = question
    ? `(Context: ${kindInstructions[kind]})\n\n${question}`
    : kindInstructions[kind];
  return [
    { role: 'system', text: explainSystemPrompt },
    { role: 'user', text, images: request.images },
  ];
}
