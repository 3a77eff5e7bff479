// A saved conversation as a Markdown document: questions as block quotes under their images, answers
// as the model wrote them, unfinished answers marked. Image links are relative ("images/…") so the
// exported folder can be moved or zipped as a whole. Pure text; HistoryStore.exportMarkdown writes it.

import type { ConversationRecord, StoredImageRef, StoredTurn } from './record';
import { extensionOf } from './imageStore';

/** A portable file name for the exported document (no path separators or characters Windows refuses). */
export function markdownFileName(title: string): string {
  const safe = title
    .replace(/[<>:"/\\|?*\u0000-\u001f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 80)
    .trim();
  const reserved = /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(safe);
  return `${safe && !reserved ? safe : 'Glimpse conversation'}.md`;
}

/** `images/<label>-<hash prefix>.<ext>`: readable, and distinct for distinct content. */
export function exportedImageName(ref: StoredImageRef): string {
  const stem = ref.label
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 40) || 'image';
  return `${stem}-${ref.sha256.slice(0, 12)}.${extensionOf(ref.mimeType)}`;
}

/** `link(ref)`: the relative path of the exported image, or undefined when its file was missing. */
export function conversationMarkdown(record: ConversationRecord, link: (ref: StoredImageRef) => string | undefined, exportedAt: Date): string {
  const lines: string[] = [
    `# ${record.title.replace(/\s+/g, ' ')}`,
    '',
    `*Exported from Glimpse on ${exportedAt.toISOString().slice(0, 10)} · model: ${record.modelLabel || 'unknown'} · started ${record.createdAt.slice(0, 10)}*`,
  ];
  record.turns.forEach((turn, index) => {
    if (turn.role === 'user' && index > 0) lines.push('', '---');
    lines.push('', ...(turn.role === 'user' ? question(turn, link) : answer(turn)));
  });
  return `${lines.join('\n')}\n`;
}

function question(turn: StoredTurn, link: (ref: StoredImageRef) => string | undefined): string[] {
  const lines: string[] = [];
  for (const ref of turn.images ?? []) {
    const target = link(ref);
    const alt = ref.label.replace(/[[\]\\]/g, '\\$&');
    lines.push(target ? `![${alt}](${target})` : `*(The image “${ref.label}” is missing from the history folder.)*`, '');
  }
  lines.push(...turn.text.split(/\r?\n/).map((line) => (line ? `> ${line}` : '>')));
  return lines;
}

function answer(turn: StoredTurn): string[] {
  const lines = turn.text ? [turn.text.replace(/\s+$/, '')] : [];
  const note = statusNote(turn);
  if (note) lines.push(...(lines.length > 0 ? [''] : []), note);
  return lines;
}

function statusNote(turn: StoredTurn): string | undefined {
  switch (turn.status) {
    case 'stopped':
      return '*(Stopped before the answer was complete.)*';
    case 'streaming':
    case 'interrupted':
      return '*(Interrupted: VS Code closed or the model stopped before the answer was complete.)*';
    case 'error':
      return `*(Error: ${(turn.error ?? 'the answer failed').replace(/\s+/g, ' ')})*`;
    default:
      return undefined;
  }
}
