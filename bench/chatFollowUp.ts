// Follow-ups on the same image through the chat panel's own path (Conversation: the system prompt,
// the question with the image kind's checklist, then follow-ups), on a running server. The same
// follow-up question is asked three times, so the rows differ only in what was prefilled:
//   - without prefill (glimpse.chat.prefillWhileTyping off): sent the instant the answer ended;
//   - pasted at once: after the answer the panel prefilled the conversation as the next question
//     will send it (the draft with nothing typed, as ChatController does when an answer ends),
//     then the whole question arrives at once (a paste, or typing without a pause);
//   - typed: as above, and the draft up to the pause before its last word was prefilled too.
// The answers are limited to `answerTokens` so that each turn's context stays comparable.

import { Conversation } from '../src/core/chat/conversation';
import type { PrefillFigures } from '../src/core/engine/chatEngine';
import type { PendingAnswer } from '../src/core/chat/conversation';
import type { LlamaServer } from '../src/core/engine/llamaServer';
import type { PreparedImage } from '../src/core/images/prepare';

export interface ChatTurnFigures {
  readonly firstTokenMs: number;
  /** Prompt tokens the server evaluated for this turn, and those it took from its cache. */
  readonly evaluatedTokens: number;
  readonly cachedTokens: number;
}

export interface ChatFollowUpFigures {
  readonly first: ChatTurnFigures;
  readonly withoutPrefill: ChatTurnFigures;
  readonly pasted: ChatTurnFigures;
  readonly typed: ChatTurnFigures;
  /** What the prefills before the pasted and the typed follow-ups did (while the user read and typed). */
  readonly afterAnswerPrefill: PrefillFigures | undefined;
  readonly draftPrefill: PrefillFigures | undefined;
}

export const chatQuestions = {
  first: 'What does this screen show?',
  followUp: 'Which button should I press to continue?',
  /** The follow-up as typed up to the pause before its last word. */
  draft: 'Which button should I press to',
} as const;

export async function measureChatFollowUps(server: LlamaServer, image: PreparedImage, answerTokens: number): Promise<ChatFollowUpFigures> {
  const conversation = new Conversation();
  const options = { maxTokens: answerTokens, temperature: 0, seed: 1, cachePrompt: true, extraBody: { ignore_eos: true } };
  const ask = async (pending: PendingAnswer): Promise<ChatTurnFigures> => {
    const askedAt = performance.now();
    let firstTokenMs = NaN;
    let evaluatedTokens = NaN;
    let cachedTokens = NaN;
    for await (const event of server.chat(pending.request, options)) {
      if (event.type === 'delta') {
        if (Number.isNaN(firstTokenMs)) firstTokenMs = performance.now() - askedAt;
        conversation.appendAnswer(event.text);
      } else {
        evaluatedTokens = event.timings?.promptTokens ?? NaN;
        cachedTokens = event.timings?.cachedTokens ?? NaN;
      }
    }
    conversation.endAnswer('done');
    return { firstTokenMs, evaluatedTokens, cachedTokens };
  };

  // What DraftPrefill sends after a pause in typing (its timing and coalescing are not measured here).
  const prefill = (question: string): Promise<PrefillFigures | undefined> =>
    server.prefill(conversation.draftTurns(question) ?? [], new AbortController().signal);

  const first = await ask(conversation.begin([image], [], chatQuestions.first).pending);
  const withoutPrefill = await ask(conversation.followUp(chatQuestions.followUp).pending);
  const afterAnswerPrefill = await prefill('');
  const pasted = await ask(conversation.followUp(chatQuestions.followUp).pending);
  await prefill('');
  const draftPrefill = await prefill(chatQuestions.draft);
  const typed = await ask(conversation.followUp(chatQuestions.followUp).pending);
  return { first, withoutPrefill, pasted, typed, afterAnswerPrefill, draftPrefill };
}
