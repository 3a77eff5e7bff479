// Saved conversations under one folder (the extension passes its global storage path):
//
//   <root>/conversations/<id>.json   one file per conversation (record.ts), written atomically
//   <root>/images/<sha256>.<png|jpg>  every image once, by content hash (imageStore.ts)
//   <root>/corrupt/<id>-<time>.json   files that could not be read, set aside, never deleted
//
// There is no index file whose loss would lose the history: list() scans the folder, and a small
// in-memory cache (by file time and size) spares re-reading unchanged files. Writes to one
// conversation are serialised; the file always ends up holding the newest state given to the store,
// and streaming saves coalesce, so saving every ~500 ms costs at most one small write at a time.

import { mkdir, readFile, readdir, rm, stat, unlink, writeFile, open } from 'node:fs/promises';
import * as path from 'node:path';
import { GlimpseError, asGlimpseError } from '../errors';
import type { ChatTurn } from '../openai/turn';
import type { PreparedImage } from '../images/prepare';
import { isCode, renameWithRetry, tempSuffix, writeFileAtomic } from '../atomicFile';
import { chatTurnsFromRecord, deriveTitle, settleInterrupted, shorten } from './convert';
import { ImageStore, parseImageFileName } from './imageStore';
import { conversationMarkdown, exportedImageName, markdownFileName } from './markdown';
import { isConversationId, validateConversationRecord, type ConversationRecord, type StoredImageMimeType, type StoredImageRef } from './record';

export interface HistoryStoreOptions {
  /** The clock for updatedAt and set-aside names (tests fix it). */
  readonly now?: () => Date;
  /** Unreferenced images younger than this survive garbage collection: one may be about to be saved. */
  readonly imageGraceMs?: number;
}

/** One line of the history list. */
export interface HistoryEntry {
  readonly id: string;
  readonly title: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly modelLabel: string;
  readonly turnCount: number;
  readonly questionCount: number;
  /** The first image of the conversation, for a thumbnail (its file may be missing). */
  readonly firstImage?: StoredImageRef;
  /** The last answer never ended (and is not streaming in this window). */
  readonly interrupted: boolean;
}

/** A file that could not be read: moved to <root>/corrupt/ (movedTo) or, when even that failed, left in place. */
export interface SetAsideFile {
  readonly id: string;
  readonly file: string;
  readonly movedTo?: string;
  /** For the user: what happened and where the file went. */
  readonly message: string;
}

export interface HistoryList {
  /** Newest first. */
  readonly conversations: readonly HistoryEntry[];
  /** Corrupt files found (and set aside) by this scan. */
  readonly setAside: readonly SetAsideFile[];
  /** Files left in place that this version cannot read (from a newer Glimpse) or that the system refused to read. */
  readonly unreadable: readonly { readonly id: string; readonly file: string; readonly message: string }[];
}

export type LoadResult =
  | { readonly kind: 'ok'; readonly record: ConversationRecord; readonly missingImages: readonly string[] }
  | { readonly kind: 'not-found'; readonly message: string }
  | ({ readonly kind: 'corrupt' } & SetAsideFile)
  | { readonly kind: 'unsupported'; readonly message: string };

type FileRead =
  | { readonly kind: 'ok'; readonly record: ConversationRecord }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'corrupt'; readonly reason: string }
  | { readonly kind: 'unsupported'; readonly reason: string };

const defaultImageGraceMs = 10 * 60_000;
const staleTempMs = 60 * 60_000;
const listConcurrency = 16;
const sha256Pattern = /[0-9a-f]{64}/g;

export class HistoryStore {
  readonly conversationsFolder: string;
  readonly imagesFolder: string;
  readonly corruptFolder: string;
  private readonly images: ImageStore;
  private readonly now: () => Date;
  private readonly imageGraceMs: number;
  /** The newest state of each conversation this store saved or loaded; what the next write puts on disk. */
  private readonly known = new Map<string, ConversationRecord>();
  /** Conversations whose answer is streaming in this window (their 'streaming' status is live, not interrupted). */
  private readonly streamingHere = new Set<string>();
  /** A write queued and not yet started, per conversation: later saves join it. */
  private readonly queuedWrites = new Map<string, Promise<boolean>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Keyed by file identity: every atomic write makes a new file (inode), so a same-size rewrite within the clock's resolution is still seen. */
  private readonly listCache = new Map<string, { ino: number; mtimeMs: number; size: number; entry: HistoryEntry }>();

  constructor(readonly root: string, options: HistoryStoreOptions = {}) {
    this.conversationsFolder = path.join(root, 'conversations');
    this.imagesFolder = path.join(root, 'images');
    this.corruptFolder = path.join(root, 'corrupt');
    this.images = new ImageStore(this.imagesFolder);
    this.now = options.now ?? (() => new Date());
    this.imageGraceMs = options.imageGraceMs ?? defaultImageGraceMs;
  }

  // ---- images ----

  /** Stores image bytes once by content; returns their SHA-256. */
  putImage(bytes: Uint8Array, mimeType: StoredImageMimeType): Promise<string> {
    return this.images.put(bytes, mimeType);
  }

  /** Stores the images a conversation is about to refer to (call before save). */
  async putImages(images: readonly PreparedImage[]): Promise<void> {
    for (const image of images) {
      const sha256 = await this.images.put(image.data, image.mimeType);
      if (sha256 !== image.sha256) throw new GlimpseError('internal', `The image "${image.label}" does not match its recorded hash.`);
    }
  }

  /** Where an image's file is (or would be); for thumbnails and webview URIs. */
  imagePath(sha256: string, mimeType: StoredImageMimeType): string {
    return this.images.pathOf(sha256, mimeType);
  }

  /** The image's bytes, checked against the hash; undefined when the file is missing or damaged. */
  readImage(sha256: string, mimeType?: StoredImageMimeType): Promise<Buffer | undefined> {
    return this.images.read(sha256, mimeType);
  }

  // ---- saving ----

  /**
   * Saves the conversation as it stands. The store owns two fields across saves: a title the user
   * chose (rename) survives saves of records with a derived title, and createdAt stays the first one.
   * Save the record's images first (putImages).
   */
  save(record: ConversationRecord): Promise<void> {
    const validation = validateConversationRecord(record);
    if (!validation.ok) {
      return Promise.reject(new GlimpseError('invalid-argument', `Cannot save conversation ${String(record.id)}: ${validation.reason}.`));
    }
    const previous = this.known.get(record.id);
    let next = record;
    if (previous) {
      next = { ...next, createdAt: previous.createdAt };
      if (previous.titleIsCustom && !record.titleIsCustom) next = { ...next, title: previous.title, titleIsCustom: true };
    }
    this.known.set(record.id, next);
    if (next.turns.at(-1)?.status === 'streaming') this.streamingHere.add(record.id);
    else this.streamingHere.delete(record.id);
    return this.scheduleWrite(record.id).then(() => undefined);
  }

  /**
   * The streaming answer's text so far, for a conversation saved with its last turn streaming. Cheap
   * to call often: calls made while a write is pending share it. Resolves false (and writes nothing)
   * when nothing of that conversation streams any more (the answer ended, or it was deleted).
   */
  saveStreaming(id: string, partialText: string): Promise<boolean> {
    const current = this.known.get(id);
    const last = current?.turns.at(-1);
    if (!current || !last || !this.streamingHere.has(id) || last.role !== 'assistant' || last.status !== 'streaming') return Promise.resolve(false);
    this.known.set(id, { ...current, updatedAt: this.now().toISOString(), turns: [...current.turns.slice(0, -1), { ...last, text: partialText }] });
    return this.scheduleWrite(id);
  }

  /** Sets the title; an empty one goes back to the title derived from the first question. */
  rename(id: string, title: string): Promise<void> {
    if (!isConversationId(id)) return Promise.reject(invalidId(id));
    const retitle = (record: ConversationRecord): ConversationRecord => {
      const custom = shorten(title, 200);
      return custom ? { ...record, title: custom, titleIsCustom: true } : { ...record, title: deriveTitle(record.turns), titleIsCustom: false };
    };
    const known = this.known.get(id);
    if (known) {
      this.known.set(id, retitle(known));
      return this.scheduleWrite(id).then(() => undefined);
    }
    return this.enqueue(id, async () => {
      const found = await this.readExisting(id);
      await this.writeRecord(retitle(found));
    });
  }

  /** Deletes the conversation, then the images no other conversation refers to. False when it did not exist. */
  async delete(id: string): Promise<boolean> {
    if (!isConversationId(id)) throw invalidId(id);
    this.known.delete(id);
    this.streamingHere.delete(id);
    this.listCache.delete(id);
    const existed = await this.enqueue(id, async () => {
      try {
        await unlink(this.fileOf(id));
        return true;
      } catch (error) {
        if (isCode(error, 'ENOENT')) return false;
        throw new GlimpseError('history-write-failed', `Could not delete the conversation file ${this.fileOf(id)}: ${asGlimpseError(error).message}`);
      }
    });
    await this.collectGarbage();
    return existed;
  }

  // ---- reading ----

  /**
   * The conversation, with the hashes of images whose files are missing. An answer that was streaming
   * when its writer went away comes back `interrupted` (settleInterrupted). A file that is not valid
   * JSON or not a conversation is moved to <root>/corrupt/ and reported, never thrown.
   */
  load(id: string): Promise<LoadResult> {
    if (!isConversationId(id)) return Promise.reject(invalidId(id));
    return this.enqueue(id, async (): Promise<LoadResult> => {
      const read = await this.readFileOf(id);
      switch (read.kind) {
        case 'not-found':
          return { kind: 'not-found', message: `The conversation ${id} is not in the history any more (it may have been deleted in another window).` };
        case 'unsupported':
          return { kind: 'unsupported', message: `The saved conversation ${this.fileOf(id)} cannot be opened: ${read.reason}. Update Glimpse to open it.` };
        case 'corrupt':
          return { kind: 'corrupt', ...(await this.setAside(id, read.reason)) };
        case 'ok': {
          const record = this.streamingHere.has(id) ? read.record : settleInterrupted(read.record);
          if (!this.streamingHere.has(id)) this.known.set(id, record);
          return { kind: 'ok', record, missingImages: await this.missingImages(record) };
        }
      }
    });
  }

  /** Every saved conversation, newest first; corrupt files are set aside and reported, not thrown. */
  async list(): Promise<HistoryList> {
    let names: string[];
    try {
      names = await readdir(this.conversationsFolder);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return { conversations: [], setAside: [], unreadable: [] };
      throw asGlimpseError(error);
    }
    const ids = names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).filter(isConversationId);
    const conversations: HistoryEntry[] = [];
    const setAside: SetAsideFile[] = [];
    const unreadable: { id: string; file: string; message: string }[] = [];
    for (const id of [...this.listCache.keys()]) if (!ids.includes(id)) this.listCache.delete(id);
    for (let start = 0; start < ids.length; start += listConcurrency) {
      await Promise.all(ids.slice(start, start + listConcurrency).map(async (id) => {
        const file = this.fileOf(id);
        try {
          const entry = await this.entryOf(id);
          if (entry === 'gone') return;
          if ('kind' in entry) {
            if (entry.kind === 'unsupported') unreadable.push({ id, file, message: `${file} cannot be opened: ${entry.reason}. Update Glimpse to open it.` });
            const moved = entry.kind === 'corrupt' ? await this.enqueue(id, () => this.setAsideIfStillCorrupt(id)) : undefined;
            if (moved) setAside.push(moved);
            return;
          }
          conversations.push(entry);
        } catch (error) {
          unreadable.push({ id, file, message: `${file} could not be read: ${asGlimpseError(error).message}` });
        }
      }));
    }
    conversations.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id));
    return { conversations, setAside, unreadable };
  }

  /**
   * The turns to send again for a follow-up, byte-identical to what the model was sent before
   * (images read back and checked by hash). Throws history-image-missing when an image is gone.
   */
  async sentTurns(record: ConversationRecord): Promise<ChatTurn[]> {
    const data = new Map<string, Buffer>();
    for (const ref of record.sent.flatMap((turn) => turn.images ?? [])) {
      if (data.has(ref.sha256)) continue;
      const bytes = await this.images.read(ref.sha256, ref.mimeType);
      if (bytes) data.set(ref.sha256, bytes);
    }
    return chatTurnsFromRecord(record, (sha256) => data.get(sha256));
  }

  // ---- export ----

  /**
   * Writes `<targetDir>/<title>.md` (a number is added rather than overwrite a file) and the images it
   * shows under `<targetDir>/images/`, linked relatively. Returns the Markdown file's path.
   */
  async exportMarkdown(id: string, targetDir: string): Promise<string> {
    const loaded = await this.load(id);
    if (loaded.kind === 'not-found') throw new GlimpseError('history-not-found', loaded.message);
    if (loaded.kind !== 'ok') throw new GlimpseError('history-corrupt', loaded.message);
    const record = loaded.record;
    const links = new Map<string, string | undefined>();
    for (const ref of record.turns.flatMap((turn) => turn.images ?? [])) {
      if (links.has(ref.sha256)) continue;
      const bytes = await this.images.read(ref.sha256, ref.mimeType);
      if (!bytes) {
        links.set(ref.sha256, undefined);
        continue;
      }
      const name = exportedImageName(ref);
      await mkdir(path.join(targetDir, 'images'), { recursive: true });
      await writeFile(path.join(targetDir, 'images', name), bytes);
      links.set(ref.sha256, `images/${name}`);
    }
    const markdown = conversationMarkdown(record, (ref) => links.get(ref.sha256), this.now());
    return writeNewFile(targetDir, markdownFileName(record.title), markdown);
  }

  // ---- garbage collection ----

  /**
   * Removes images that no conversation file (valid, corrupt or set aside) and no conversation held
   * by this store refers to, once older than the grace period; and temp files a crash left behind.
   * Gives up without removing anything when a conversation file cannot be read.
   */
  collectGarbage(): Promise<{ removedImages: string[] }> {
    return this.enqueue('#garbage', async () => {
      const referenced = new Set<string>();
      for (const record of this.known.values()) for (const sha256 of JSON.stringify(record).match(sha256Pattern) ?? []) referenced.add(sha256);
      for (const folder of [this.conversationsFolder, this.corruptFolder]) {
        const names = await readdir(folder).catch((error: unknown) => (isCode(error, 'ENOENT') ? [] : undefined));
        if (!names) return { removedImages: [] };
        for (const name of names) {
          if (name.endsWith(tempSuffix)) {
            await removeIfOlder(path.join(folder, name), staleTempMs);
            continue;
          }
          let text: string;
          try {
            text = await readFile(path.join(folder, name), 'utf8');
          } catch (error) {
            if (isCode(error, 'ENOENT')) continue;
            return { removedImages: [] };
          }
          for (const sha256 of text.match(sha256Pattern) ?? []) referenced.add(sha256);
        }
      }
      const removedImages: string[] = [];
      const names = await readdir(this.imagesFolder).catch(() => [] as string[]);
      for (const name of names) {
        const image = parseImageFileName(name);
        if (image && !referenced.has(image.sha256)) {
          if (await removeIfOlder(path.join(this.imagesFolder, name), this.imageGraceMs)) removedImages.push(image.sha256);
        } else if (!image && name.endsWith(tempSuffix)) {
          await removeIfOlder(path.join(this.imagesFolder, name), staleTempMs);
        }
      }
      return { removedImages };
    });
  }

  // ---- internals ----

  private fileOf(id: string): string {
    return path.join(this.conversationsFolder, `${id}.json`);
  }

  /** Runs jobs for one key one after another (a failed job does not stop the next). */
  private enqueue<T>(key: string, job: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(job, job);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  /** Writes the newest known state of the conversation; joins a write that is queued and not started. */
  private scheduleWrite(id: string): Promise<boolean> {
    const queued = this.queuedWrites.get(id);
    if (queued) return queued;
    const write = this.enqueue(id, async () => {
      this.queuedWrites.delete(id);
      const latest = this.known.get(id);
      if (!latest) return false;
      await this.writeRecord(latest);
      return true;
    });
    this.queuedWrites.set(id, write);
    return write;
  }

  private async writeRecord(record: ConversationRecord): Promise<void> {
    const file = this.fileOf(record.id);
    try {
      await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, { recreateFolder: true });
    } catch (error) {
      throw new GlimpseError(
        'history-write-failed',
        `Could not save the conversation "${record.title}" to ${file}: ${asGlimpseError(error).message}. Check that the disk has free space and that VS Code may write to that folder.`,
        error instanceof Error ? error.stack : undefined,
      );
    }
  }

  private async readFileOf(id: string): Promise<FileRead> {
    let text: string;
    try {
      text = await readFile(this.fileOf(id), 'utf8');
    } catch (error) {
      if (isCode(error, 'ENOENT')) return { kind: 'not-found' };
      throw new GlimpseError('file-unreadable', `Could not read the saved conversation ${this.fileOf(id)}: ${asGlimpseError(error).message}. Check that VS Code may read that folder.`);
    }
    return parseRecordText(id, text);
  }

  /** For rename: the record on disk, or a typed error (a corrupt file is set aside first). */
  private async readExisting(id: string): Promise<ConversationRecord> {
    const read = await this.readFileOf(id);
    switch (read.kind) {
      case 'ok':
        return this.streamingHere.has(id) ? read.record : settleInterrupted(read.record);
      case 'not-found':
        throw new GlimpseError('history-not-found', `The conversation ${id} is not in the history any more (it may have been deleted in another window).`);
      case 'unsupported':
        throw new GlimpseError('history-corrupt', `The saved conversation ${this.fileOf(id)} cannot be changed: ${read.reason}. Update Glimpse to change it.`);
      case 'corrupt':
        throw new GlimpseError('history-corrupt', (await this.setAside(id, read.reason)).message);
    }
  }

  /** A list entry from the cache when the file is unchanged; otherwise read, or the reason it cannot be. */
  private async entryOf(id: string): Promise<HistoryEntry | 'gone' | { kind: 'corrupt' | 'unsupported'; reason: string }> {
    const file = this.fileOf(id);
    const info = await stat(file).catch((error: unknown) => (isCode(error, 'ENOENT') ? undefined : Promise.reject(error)));
    if (!info) return 'gone';
    const cached = this.listCache.get(id);
    if (cached && cached.ino === info.ino && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return this.withLiveState(cached.entry);
    const read = await this.readFileOf(id);
    if (read.kind === 'not-found') return 'gone';
    if (read.kind !== 'ok') return read;
    const entry = entryOf(read.record);
    this.listCache.set(id, { ino: info.ino, mtimeMs: info.mtimeMs, size: info.size, entry });
    return this.withLiveState(entry);
  }

  private withLiveState(entry: HistoryEntry): HistoryEntry {
    return entry.interrupted && this.streamingHere.has(entry.id) ? { ...entry, interrupted: false } : entry;
  }

  /** list() found it corrupt outside the queue: check again inside it (a write may have replaced it). */
  private async setAsideIfStillCorrupt(id: string): Promise<SetAsideFile | undefined> {
    const again = await this.readFileOf(id).catch(() => undefined);
    return again?.kind === 'corrupt' ? this.setAside(id, again.reason) : undefined;
  }

  /** Moves an unreadable file to <root>/corrupt/<id>-<time>.json; never throws. */
  private async setAside(id: string, reason: string): Promise<SetAsideFile> {
    const file = this.fileOf(id);
    this.listCache.delete(id);
    this.known.delete(id);
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    try {
      await mkdir(this.corruptFolder, { recursive: true });
      let movedTo = path.join(this.corruptFolder, `${id}-${stamp}.json`);
      for (let n = 2; await exists(movedTo); n++) movedTo = path.join(this.corruptFolder, `${id}-${stamp}-${n}.json`);
      await renameWithRetry(file, movedTo);
      return {
        id, file, movedTo,
        message: `The saved conversation ${file} could not be read (${reason}). It was moved to ${movedTo} so the rest of the history keeps working; open it there to recover its text, or delete it.`,
      };
    } catch (error) {
      return {
        id, file,
        message: `The saved conversation ${file} could not be read (${reason}), and moving it aside failed too (${asGlimpseError(error).message}). Move or delete the file yourself.`,
      };
    }
  }

  private async missingImages(record: ConversationRecord): Promise<string[]> {
    const refs = new Map<string, StoredImageRef>();
    for (const ref of [...record.turns, ...record.sent].flatMap((turn) => turn.images ?? [])) refs.set(ref.sha256, ref);
    const missing: string[] = [];
    for (const ref of refs.values()) if (!(await this.images.exists(ref.sha256, ref.mimeType))) missing.push(ref.sha256);
    return missing;
  }
}

/** Parses a conversation file's text; the id inside must match the file name. */
function parseRecordText(id: string, text: string): FileRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'corrupt', reason: `it is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const validation = validateConversationRecord(value);
  if (!validation.ok) return validation.newerVersion ? { kind: 'unsupported', reason: validation.reason } : { kind: 'corrupt', reason: `it is not a Glimpse conversation: ${validation.reason}` };
  if (validation.record.id !== id) return { kind: 'corrupt', reason: `its id "${validation.record.id}" does not match its file name` };
  return { kind: 'ok', record: validation.record };
}

function invalidId(id: string): GlimpseError {
  return new GlimpseError('invalid-argument', `"${id}" is not a conversation id (letters, digits, "-" and "_" only).`);
}

function entryOf(record: ConversationRecord): HistoryEntry {
  const last = record.turns.at(-1);
  const firstImage = record.turns.flatMap((turn) => turn.images ?? [])[0];
  return {
    id: record.id, title: record.title, createdAt: record.createdAt, updatedAt: record.updatedAt, modelLabel: record.modelLabel,
    turnCount: record.turns.length,
    questionCount: record.turns.filter((turn) => turn.role === 'user').length,
    ...(firstImage ? { firstImage } : {}),
    interrupted: last?.status === 'streaming' || last?.status === 'interrupted',
  };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

async function removeIfOlder(file: string, ageMs: number): Promise<boolean> {
  try {
    const info = await stat(file);
    if (Date.now() - info.mtimeMs < ageMs) return false;
    await rm(file, { force: true });
    return true;
  } catch {
    return false;
  }
}

/** Creates `<folder>/<name>`, or `<stem> (2).md`, … when taken; never overwrites. */
async function writeNewFile(folder: string, name: string, content: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const stem = name.replace(/\.md$/, '');
  for (let n = 1; n < 1000; n++) {
    const file = path.join(folder, n === 1 ? name : `${stem} (${n}).md`);
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      return file;
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw asGlimpseError(error);
    }
  }
  throw new GlimpseError('history-write-failed', `Could not find a free file name for "${name}" in ${folder}.`);
}
