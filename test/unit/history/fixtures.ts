// Shared test data for the history store: prepared images with random bytes (the store never decodes
// them) and a conversation as the panel and the model saw it, built by the real Conversation class.

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Conversation, imageViewOf } from '../../../src/core/chat/conversation';
import type { ChatTurn } from '../../../src/core/openai/turn';
import { recordFromTurns } from '../../../src/core/history/convert';
import type { ConversationRecord } from '../../../src/core/history/record';
import type { PreparedImage } from '../../../src/core/images/prepare';

export function fakeImage(label: string, mimeType: 'image/png' | 'image/jpeg' = 'image/png'): PreparedImage {
  const data = randomBytes(3000);
  return {
    label, mimeType, data, sha256: createHash('sha256').update(data).digest('hex'),
    originalWidth: 2400, originalHeight: 1200, width: 1200, height: 600, downscaled: true, sourceFormat: 'png',
  };
}

export function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-history-'));
}

export interface Scenario {
  readonly conversation: Conversation;
  /** The turns the model was sent for the last answer. */
  readonly lastRequest: readonly ChatTurn[];
  /** All turns sent so far, including the last answer when it ended. */
  readonly sent: ChatTurn[];
  readonly record: ConversationRecord;
}

/** A question about `images`, answered `answer` (or left streaming when answer is undefined). */
export function answeredConversation(id: string, images: readonly PreparedImage[], question: string | undefined, answer: string | undefined): Scenario {
  const conversation = new Conversation();
  const { pending } = conversation.begin(images, images.map((image) => imageViewOf(image, 'data:image/png;base64,AAAA', { tokens: 576 })), question);
  const sent: ChatTurn[] = [...pending.request];
  if (answer !== undefined) {
    conversation.appendAnswer(answer);
    conversation.endAnswer('done', { stats: { promptTokens: 700, generatedTokens: 12 } });
    sent.push({ role: 'assistant', text: answer });
  }
  const record = recordFromTurns({ id, modelLabel: 'Qwen2.5-VL 3B', turns: conversation.turns, sent, createdAt: '2025-01-02T10:00:00.000Z' }, new Date('2025-01-02T10:01:00.000Z'));
  return { conversation, lastRequest: pending.request, sent, record };
}
