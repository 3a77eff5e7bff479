// A chat turn as the core sees it: text plus images already prepared for the model.

import type { PreparedImage } from '../images/prepare';

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatTurn {
  readonly role: ChatRole;
  readonly text: string;
  /** Images are attached to user turns only; they come first in the message, then the text. */
  readonly images?: readonly PreparedImage[];
}
