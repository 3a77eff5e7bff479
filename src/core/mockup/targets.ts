// The kinds of front-end code "mockup to code" can write, and what each needs downstream: the
// editor language, the file extension, which fenced code blocks in an answer count as its code,
// and how (whether) the preview can render it.

import { GlimpseError } from '../errors';

export type MockupTargetId = 'html' | 'tailwind' | 'react' | 'vue';

/** How the preview renders a target: plain HTML, HTML with the Tailwind runtime injected, or not at all. */
export type MockupPreviewKind = 'html' | 'tailwind' | 'none';

export interface MockupTarget {
  readonly id: MockupTargetId;
  /** Shown in pickers and progress: "HTML + CSS". */
  readonly label: string;
  /** One line for the picker. */
  readonly description: string;
  /** The VS Code language of the generated document. */
  readonly languageId: string;
  /** With its dot: ".html". */
  readonly fileExtension: string;
  /**
   * Info strings of fenced blocks that hold this target's code, lower case, best first. A block
   * tagged with one of these wins over an untagged one, which wins over any other language.
   */
  readonly fenceLanguages: readonly string[];
  readonly preview: MockupPreviewKind;
}

export const MOCKUP_TARGETS: readonly MockupTarget[] = [
  {
    id: 'html',
    label: 'HTML + CSS',
    description: 'One self-contained HTML file with its CSS in a <style> element',
    languageId: 'html',
    fileExtension: '.html',
    fenceLanguages: ['html', 'htm', 'xhtml'],
    preview: 'html',
  },
  {
    id: 'tailwind',
    label: 'HTML + Tailwind',
    description: 'One HTML file styled with Tailwind CSS utility classes',
    languageId: 'html',
    fileExtension: '.html',
    fenceLanguages: ['html', 'htm', 'xhtml'],
    preview: 'tailwind',
  },
  {
    id: 'react',
    label: 'React (TSX)',
    description: 'One React function component in TypeScript, exported as default',
    languageId: 'typescriptreact',
    fileExtension: '.tsx',
    fenceLanguages: ['tsx', 'jsx', 'typescriptreact', 'javascriptreact', 'react', 'typescript', 'javascript', 'ts', 'js'],
    preview: 'none',
  },
  {
    id: 'vue',
    label: 'Vue (SFC)',
    description: 'One Vue 3 single-file component with <script setup lang="ts">',
    languageId: 'vue',
    fileExtension: '.vue',
    // Models often tag a single-file component as html.
    fenceLanguages: ['vue', 'html'],
    preview: 'none',
  },
];

export function isMockupTargetId(value: unknown): value is MockupTargetId {
  return typeof value === 'string' && MOCKUP_TARGETS.some((target) => target.id === value);
}

/** The target with this id; a caller with an unchecked string uses `isMockupTargetId` first. */
export function mockupTarget(id: MockupTargetId): MockupTarget {
  const target = MOCKUP_TARGETS.find((candidate) => candidate.id === id);
  if (!target) {
    throw new GlimpseError('invalid-argument', `"${String(id)}" is not a code target. Choose one of ${MOCKUP_TARGETS.map((t) => t.id).join(', ')}.`);
  }
  return target;
}

/** `text` as a one-line comment valid at the top of the target's file (e.g. "this code is incomplete"). */
export function commentLine(target: MockupTargetId, text: string): string {
  const safe = text.replace(/\r?\n/g, ' ');
  return target === 'react' ? `// ${safe}` : `<!-- ${safe.replace(/--/g, '- -')} -->`;
}

/** The first line of code cut short (stopped, failed, out of tokens), in the editor and in the CLI's file. */
export function incompleteMarker(target: MockupTargetId, why: string): string {
  return commentLine(target, `Glimpse: ${why}; this code is incomplete.`);
}
