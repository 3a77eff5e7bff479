// Keeps live Conversations in the HistoryStore: saved when a question is asked and when an answer
// ends, the streaming answer saved every half second (so a crash keeps the partial answer), and
// conversations brought back with thumbnails rebuilt from the stored images.

import { Conversation } from '../chat/conversation';
import { asGlimpseError, GlimpseError } from '../errors';
import { thumbnailDataUri } from '../images/thumbnail';
import { missingImageThumbnail, preparedImageOf, recordFromTurns, turnViewsFromRecord } from './convert';
import type { HistoryStore } from './historyStore';
import type { ConversationRecord } from './record';

const streamingSaveIntervalMs = 500;

export interface RestoredConversation {
  readonly conversation: Conversation;
  readonly record: ConversationRecord;
  /** Image files that were missing (the conversation loads; those images show as missing). */
  readonly missingImages: readonly string[];
}

export class ConversationHistory {
  private lastStreamingSave = 0;

  constructor(
    readonly store: HistoryStore,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  /** Saves the whole conversation (images first, by content hash; then the record). Never throws. */
  async save(conversation: Conversation, modelLabel: string): Promise<void> {
    if (conversation.isEmpty) return;
    try {
      const images = conversation.sentTurns.flatMap((turn) => turn.images ?? []);
      await this.store.putImages(images);
      const existing = await this.store.load(conversation.id);
      const customTitle = existing.kind === 'ok' && existing.record.titleIsCustom ? existing.record.title : undefined;
      await this.store.save(recordFromTurns({
        id: conversation.id,
        modelLabel,
        turns: conversation.turns,
        sent: conversation.sentTurns,
        createdAt: conversation.createdAt,
        customTitle,
      }));
    } catch (error) {
      this.onError(`Could not save the conversation to the history: ${asGlimpseError(error).message}`);
    }
  }

  /** Saves the streaming answer's text, at most every half second. */
  saveStreaming(conversation: Conversation, text: string): void {
    const now = Date.now();
    if (now - this.lastStreamingSave < streamingSaveIntervalMs) return;
    this.lastStreamingSave = now;
    void this.store.saveStreaming(conversation.id, text).catch((error: unknown) => {
      this.onError(`Could not save the answer so far: ${asGlimpseError(error).message}`);
    });
  }

  /** Loads a saved conversation as a live one (a follow-up sends the same image prefix as before). */
  async restore(id: string): Promise<RestoredConversation> {
    const loaded = await this.store.load(id);
    if (loaded.kind !== 'ok') throw new GlimpseError(loaded.kind === 'not-found' ? 'history-not-found' : 'history-corrupt', loaded.message);
    const record = loaded.record;
    const thumbnails = new Map<string, string>();
    const sentImages = new Map<string, Buffer>();
    for (const ref of record.turns.flatMap((turn) => turn.images ?? []).concat(record.sent.flatMap((turn) => turn.images ?? []))) {
      if (thumbnails.has(ref.sha256)) continue;
      const data = await this.store.readImage(ref.sha256, ref.mimeType);
      if (!data) {
        thumbnails.set(ref.sha256, missingImageThumbnail);
        continue;
      }
      sentImages.set(ref.sha256, data);
      thumbnails.set(ref.sha256, await thumbnailDataUri(preparedImageOf(ref, data)));
    }
    const views = turnViewsFromRecord(record, (ref) => (sentImages.has(ref.sha256) ? thumbnails.get(ref.sha256) : undefined));
    let sent;
    try {
      sent = await this.store.sentTurns(record);
    } catch {
      // An image file is gone: the conversation is shown, but cannot send its images again.
      sent = record.sent.map((turn) => ({ role: turn.role, text: turn.text }));
    }
    return {
      conversation: Conversation.restore(record.id, new Date(record.createdAt), views, sent),
      record,
      missingImages: loaded.missingImages,
    };
  }

  /** The most recently updated conversation, if any can be read. */
  async restoreLatest(): Promise<RestoredConversation | undefined> {
    const list = await this.store.list();
    for (const entry of list.conversations) {
      try {
        return await this.restore(entry.id);
      } catch {
        // unreadable: try the next one
      }
    }
    return undefined;
  }
}
