// Finds the code in a model's answer, whatever the model wrapped around it: prose before and after,
// several fenced blocks (``` or ~~~, three or more), a fence cut off by the token limit or still
// streaming, or no fence at all. Two entry points:
//   extractCode          the final answer: picks the best block, tidies its ends, and for HTML
//                        targets folds separate ```css / ```js blocks into the page.
//   extractStreamingCode the answer so far: only code, never prose, for streaming into an editor.
//
// Which block: a block tagged with one of the target's fence languages beats an untagged one,
// which beats any other language; among those, code that looks like the target (a <template> for
// Vue, an `export default` for React…) wins, then the longer block. Vue and React answers are never
// joined from several blocks (a component split over blocks has no single right way back); an
// HTML page is, because small models often put the CSS in a block of its own and the fix is plain.

import { mockupTarget, type MockupTarget, type MockupTargetId } from './targets';

export type CodeSource = 'fence' | 'unfenced' | 'none';

export interface ExtractedCode {
  /** The code; empty when the answer holds none (source 'none'). */
  readonly code: string;
  /** The fence's language tag, lower case, when the code came from a tagged fence. */
  readonly language?: string;
  /**
   * Whether the code's end was seen: its closing fence, or (final extraction of unfenced code) the
   * end of the answer. False for a fence cut off by the token limit or still streaming.
   */
  readonly complete: boolean;
  readonly source: CodeSource;
}

interface Candidate {
  readonly code: string;
  readonly language: string;
  readonly closed: boolean;
  readonly source: 'fence' | 'unfenced';
}

interface FencedBlock {
  /** Lower case, '' when untagged. */
  readonly language: string;
  readonly fenceChar: '`' | '~';
  /** Index in the text where the opening fence's line starts. */
  readonly openingStart: number;
  /** Index where the block's content starts (after the opening line). */
  readonly contentStart: number;
  /** Index where it ends: the start of the closing fence's line, or the end of the text. */
  readonly contentEnd: number;
  readonly closed: boolean;
}

/** The code in a complete (or cut-off) answer. */
export function extractCode(answer: string, target: MockupTargetId | MockupTarget): ExtractedCode {
  const text = unixLineEnds(answer);
  const spec = typeof target === 'string' ? mockupTarget(target) : target;
  const blocks = findFencedBlocks(text);
  const candidates = [...blocks.map((block) => fencedCandidate(text, block)), ...unfencedCandidates(text, blocks, spec, true)]
    .filter((candidate) => candidate.code.trim() !== '');
  const best = pickBest(candidates, spec);
  if (!best) return { code: '', complete: false, source: 'none' };
  let code = tidy(best.code);
  if (best.source === 'fence' && spec.preview !== 'none' && isTargetLanguage(best.language, spec)) {
    code = foldSideBlocks(code, text, blocks);
  }
  return {
    code,
    ...(best.language ? { language: best.language } : {}),
    complete: best.source === 'unfenced' || best.closed,
    source: best.source,
  };
}

/**
 * The code in an answer that is still arriving. Only blocks that can be the target's code are
 * shown (a leading ```bash block is not), a line that may be the start of the closing fence is held
 * back, and nothing is tidied: so while the same block is being written, each result extends the
 * previous one. The result changes to another block only when a better one appears (rare); callers
 * that append use `appendedText` and replace everything when it returns undefined. The final
 * `extractCode` may still differ at the ends (whitespace, folded CSS): set it once at the end.
 */
export function extractStreamingCode(answerSoFar: string, target: MockupTargetId | MockupTarget): ExtractedCode {
  const textSoFar = unixLineEnds(answerSoFar);
  const spec = typeof target === 'string' ? mockupTarget(target) : target;
  const blocks = findFencedBlocks(textSoFar);
  const candidates = [
    ...blocks.filter((block) => fenceRank(block.language, spec) > 0 || looksLikeTarget(textSoFar.slice(block.contentStart, block.contentEnd), spec))
      .map((block) => fencedCandidate(textSoFar, block)),
    ...unfencedCandidates(textSoFar, blocks, spec, false),
  ].filter((candidate) => candidate.code.trim() !== '');
  const best = pickBest(candidates, spec);
  if (!best) return { code: '', complete: false, source: 'none' };
  return {
    code: dropLeadingBlankLines(best.code),
    ...(best.language ? { language: best.language } : {}),
    complete: best.source === 'fence' && best.closed,
    source: best.source,
  };
}

/**
 * CRLF and lone CR as LF: fences are found line by line, and an editor turns a lone CR into a line
 * break anyway, so the code shown and the code returned stay the same text.
 */
export function unixLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** What to append to `previous` to get `next`; undefined when `next` does not extend it (replace all). */
export function appendedText(previous: string, next: string): string | undefined {
  return next.startsWith(previous) ? next.slice(previous.length) : undefined;
}

// ---- fences ---------------------------------------------------------------------------------

const backtickOpening = /^[ \t]*(`{3,})[ \t]*([^`]*)$/;
const tildeOpening = /^[ \t]*(~{3,})[ \t]*(.*)$/;
const closingFence = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;
/** A last, unfinished line that may grow into a closing fence. */
const partialFence = /^[ \t]*(`+|~+)[ \t]*$/;

/** CommonMark-style fences, read line by line; a fence still open at the end runs to the end. */
function findFencedBlocks(text: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { fenceChar: '`' | '~'; length: number; language: string; openingStart: number; contentStart: number } | undefined;
  let lineStart = 0;
  for (;;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const nextLine = newline === -1 ? text.length : newline + 1;
    if (!open) {
      const opening = backtickOpening.exec(line) ?? tildeOpening.exec(line);
      if (opening) {
        open = { fenceChar: opening[1][0] as '`' | '~', length: opening[1].length, language: languageOf(opening[2]), openingStart: lineStart, contentStart: nextLine };
      }
    } else {
      const closing = closingFence.exec(line);
      if (closing && closing[1][0] === open.fenceChar && closing[1].length >= open.length) {
        blocks.push({ ...open, contentEnd: lineStart, closed: true });
        open = undefined;
      }
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  if (open) blocks.push({ ...open, contentEnd: text.length, closed: false });
  return blocks;
}

/** "html", "{.html}", "language-html", "HTML title=page" → "html". */
function languageOf(info: string): string {
  const word = info.trim().split(/\s+/)[0] ?? '';
  return word.toLowerCase().replace(/^\{?\.?/, '').replace(/^language-/, '').replace(/[}:,;]+$/, '');
}

function fencedCandidate(text: string, block: FencedBlock): Candidate {
  let code = text.slice(block.contentStart, block.contentEnd);
  if (!block.closed) code = withoutPartialFence(code, block.fenceChar);
  return { code, language: block.language, closed: block.closed, source: 'fence' };
}

/** Drops a last line that is only fence characters: it may be the closing fence arriving. */
function withoutPartialFence(code: string, fenceChar: string | undefined): string {
  const lastLineStart = code.lastIndexOf('\n') + 1;
  const match = partialFence.exec(code.slice(lastLineStart).replace(/\r$/, ''));
  if (match && (fenceChar === undefined || match[1][0] === fenceChar)) return code.slice(0, lastLineStart);
  return code;
}

// ---- code without a fence -------------------------------------------------------------------

/** Lines where the target's code typically starts. */
const codeStart: Record<MockupTargetId, RegExp> = {
  html: /^[ \t]*(<!doctype\b|<html\b|<head\b|<body\b|<(div|main|header|section|nav|style|form|article|aside|footer)\b)/im,
  tailwind: /^[ \t]*(<!doctype\b|<html\b|<head\b|<body\b|<(div|main|header|section|nav|style|form|article|aside|footer)\b)/im,
  react: /^[ \t]*(import\s|export\s|['"]use client['"]|(async\s+)?function\s+[A-Z]|const\s+[A-Z]\w*\s*[:=]|interface\s+[A-Z]|type\s+[A-Z]\w*\s*=)/m,
  vue: /^[ \t]*<(template|script|style)\b/im,
};

/** Code of the target somewhere in a block (to tell a component from a usage example or prose). */
const targetLooks: Record<MockupTargetId, RegExp> = {
  html: /<!doctype html|<html[\s>]|<body[\s>]|<(div|main|header|section|nav|form)[\s>]/i,
  tailwind: /<!doctype html|<html[\s>]|<body[\s>]|<(div|main|header|section|nav|form)[\s>]/i,
  react: /\bexport\s+default\b|from\s+['"]react['"]|\breturn\s*\(?\s*<[A-Za-z>]/,
  vue: /<template[\s>]/i,
};

/**
 * The line after which unfenced code ends (prose may follow). HTML's is applied while streaming
 * too (the cut only moves forward as the text grows); the others only to the final answer,
 * because a component's closing tag or brace can appear before its end.
 */
const codeEnd: Record<MockupTargetId, { readonly pattern: RegExp; readonly whileStreaming: boolean }> = {
  html: { pattern: /<\/html\s*>/gi, whileStreaming: true },
  tailwind: { pattern: /<\/html\s*>/gi, whileStreaming: true },
  vue: { pattern: /<\/(template|script|style)\s*>/gi, whileStreaming: false },
  react: { pattern: /^(\}|\};|\);|export\s+default\s+[\w.]+;?)[ \t]*\r?$/gm, whileStreaming: false },
};

/**
 * Code written without a fence: the text before the first fence, from the first line where the
 * target's code starts. (Also catches an answer that forgot the opening fence but wrote a closing
 * one, and code after a sentence of prose.)
 */
function unfencedCandidates(text: string, blocks: readonly FencedBlock[], spec: MockupTarget, final: boolean): Candidate[] {
  let segment = text.slice(0, blocks.length > 0 ? blocks[0].openingStart : text.length);
  const start = codeStart[spec.id].exec(segment);
  if (!start) return [];
  segment = segment.slice(start.index);
  if (!final) segment = withoutPartialFence(segment, undefined);
  const end = codeEnd[spec.id];
  if (final || end.whileStreaming) segment = cutAfterLastMatch(segment, end.pattern);
  return [{ code: segment, language: '', closed: true, source: 'unfenced' }];
}

/** Everything up to the end of the line holding the pattern's last match (and its newline); all when no match. */
function cutAfterLastMatch(code: string, pattern: RegExp): string {
  let last = -1;
  for (const match of code.matchAll(pattern)) last = match.index + match[0].length;
  if (last < 0) return code;
  const newline = code.indexOf('\n', last);
  return newline === -1 ? code : code.slice(0, newline + 1);
}

// ---- choosing and tidying -------------------------------------------------------------------

function isTargetLanguage(language: string, spec: MockupTarget): boolean {
  return spec.fenceLanguages.includes(language);
}

/** 2: tagged as the target; 1: untagged; 0: another language. */
function fenceRank(language: string, spec: MockupTarget): number {
  if (isTargetLanguage(language, spec)) return 2;
  return language === '' ? 1 : 0;
}

function looksLikeTarget(code: string, spec: MockupTarget): boolean {
  return targetLooks[spec.id].test(code);
}

function pickBest(candidates: readonly Candidate[], spec: MockupTarget): Candidate | undefined {
  let best: Candidate | undefined;
  let bestKey: number[] = [];
  for (const candidate of candidates) {
    // Unfenced code starts where the target's code starts: as good as an untagged fence that looks right.
    const rank = candidate.source === 'unfenced' ? 1 : fenceRank(candidate.language, spec);
    const looks = candidate.source === 'unfenced' || looksLikeTarget(candidate.code, spec);
    const key = [looks && rank > 0 ? 1 : 0, rank, candidate.code.length];
    if (!best || compareKeys(key, bestKey) > 0) {
      best = candidate;
      bestKey = key;
    }
  }
  return best;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * Drops leading lines that hold only whitespace. Safe while streaming: text that is whitespace so
 * far gives '', and an indented first line keeps its indentation once it has any other character.
 */
function dropLeadingBlankLines(code: string): string {
  const leading = /^\s*/.exec(code)?.[0] ?? '';
  if (leading.length === code.length) return '';
  return code.slice(leading.lastIndexOf('\n') + 1);
}

/** The final form: no blank lines before, one newline after. */
function tidy(code: string): string {
  const trimmed = dropLeadingBlankLines(code).trimEnd();
  return trimmed ? `${trimmed}\n` : '';
}

/**
 * An HTML page whose CSS or script came in blocks of their own: puts each closed ```css block in a
 * <style> before </head> and each ```js block in a <script> before </body>, unless the page already
 * holds that text. Nothing the model wrote is dropped.
 */
function foldSideBlocks(page: string, text: string, blocks: readonly FencedBlock[]): string {
  let result = page;
  for (const block of blocks) {
    if (!block.closed) continue;
    const body = text.slice(block.contentStart, block.contentEnd).trim();
    if (!body || result.includes(body)) continue;
    if (block.language === 'css') result = insertBefore(result, /<\/head\s*>/i, /<body[\s>]/i, `<style>\n${body}\n</style>\n`, 'start');
    else if (block.language === 'js' || block.language === 'javascript') result = insertBefore(result, /<\/body\s*>/i, /<\/html\s*>/i, `<script>\n${body}\n</script>\n`, 'end');
  }
  return result;
}

/** Inserts before the last match of `first`, else of `second`, else at the start or end. */
function insertBefore(page: string, first: RegExp, second: RegExp, insert: string, fallback: 'start' | 'end'): string {
  const at = lastIndexOf(page, first) ?? lastIndexOf(page, second);
  if (at !== undefined) return page.slice(0, at) + insert + page.slice(at);
  if (fallback === 'end') return `${page.trimEnd()}\n${insert}`;
  const doctype = /^\s*<!doctype[^>]*>[ \t]*\r?\n?/i.exec(page);
  const after = doctype ? doctype[0].length : 0;
  return page.slice(0, after) + (doctype && !doctype[0].endsWith('\n') ? '\n' : '') + insert + page.slice(after);
}

function lastIndexOf(text: string, pattern: RegExp): number | undefined {
  let index: number | undefined;
  for (const match of text.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))) index = match.index;
  return index;
}
