// VS Code's chat messages (what a language-model provider receives) as core's RelayedMessages.
// Text parts stay text; image data parts become images (prepared by core like the panel's); a
// tool's call and result, which a model without tool calling may still find in the history of a
// conversation another model began, become text so that the answer can use them. Nothing that
// holds content is dropped without a log line.

import * as vscode from 'vscode';
import type { RelayedMessage, RelayedPart } from '../core/chat/relayedChat';
import type { Log } from './log';

/** LanguageModelChatMessageRole.System is still proposed; its value is 3 where it is used. */
const systemRole = 3;

export function toRelayedMessages(messages: readonly vscode.LanguageModelChatRequestMessage[], log: Log): RelayedMessage[] {
  return messages.map((message) => ({ role: roleOf(message.role), parts: message.content.flatMap((part) => relayedParts(part, log)) }));
}

function roleOf(role: vscode.LanguageModelChatMessageRole): RelayedMessage['role'] {
  if (role === vscode.LanguageModelChatMessageRole.Assistant) return 'assistant';
  if ((role as number) === systemRole) return 'system';
  return 'user';
}

function relayedParts(part: unknown, log: Log): RelayedPart[] {
  if (part instanceof vscode.LanguageModelTextPart) return [{ kind: 'text', text: part.value }];
  if (part instanceof vscode.LanguageModelDataPart) return dataPart(part, log);
  if (part instanceof vscode.LanguageModelToolCallPart) {
    return [{ kind: 'text', text: `(called the tool ${part.name} with ${JSON.stringify(part.input)})` }];
  }
  if (part instanceof vscode.LanguageModelToolResultPart) {
    const inner = part.content.flatMap((content) => relayedParts(content, log));
    return [{ kind: 'text', text: `(the tool answered:)` }, ...inner];
  }
  if (part instanceof vscode.LanguageModelPromptTsxPart) return [{ kind: 'text', text: JSON.stringify(part.value) }];
  log.warn(`[language model] a message part of an unknown kind was left out: ${describePart(part)}`);
  return [];
}

function dataPart(part: vscode.LanguageModelDataPart, log: Log): RelayedPart[] {
  const mimeType = part.mimeType.toLowerCase();
  if (mimeType.startsWith('image/')) return [{ kind: 'image', bytes: part.data, mimeType }];
  if (mimeType.startsWith('text/') || mimeType === 'application/json') return [{ kind: 'text', text: new TextDecoder().decode(part.data) }];
  // Cache-control markers and other metadata parts carry no content for the model.
  log.info(`[language model] a ${part.mimeType} data part (${part.data.byteLength} bytes) was not sent to the model`);
  return [];
}

function describePart(part: unknown): string {
  if (part === null || typeof part !== 'object') return typeof part;
  return part.constructor?.name ?? 'object';
}
