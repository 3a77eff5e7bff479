// The toolbar on each code block of an answer: Copy, Insert at Cursor, Open in Editor. Added with
// DOM APIs to markdown that is already sanitized (markdown.ts allows no buttons), so the allowlist
// stays as narrow as it is. Each button posts the code as text, read from the code element at the
// moment of the click, with the language from its `language-x` class.

import type { WebviewMessage } from '../core/protocol';
import { createElement } from './dom';

export type CodeActionMessage = Extract<WebviewMessage, { type: 'codeAction' }>;
export type CodeAction = CodeActionMessage['action'];

const buttons: readonly { readonly action: CodeAction; readonly text: string; readonly label: string }[] = [
  { action: 'copy', text: 'Copy', label: 'Copy code' },
  { action: 'insert', text: 'Insert at Cursor', label: 'Insert code at cursor' },
  { action: 'open', text: 'Open in Editor', label: 'Open code in a new editor' },
];

/** How long the Copy button says "Copied". */
export const copiedFeedbackMs = 1500;

/** The characters and length the protocol accepts for a language id. */
const languageCharacters = /^[A-Za-z0-9_+#.-]*/;
const maxLanguageLength = 50;

/**
 * The language of a `<code class="language-x">`: the leading run of allowed characters of x (so
 * "python{1,3}" gives "python"), '' when there is no language class or the id is too long to be one.
 */
export function codeLanguage(code: Element): string {
  const languageClass = Array.from(code.classList).find((name) => name.startsWith('language-'));
  if (languageClass === undefined) return '';
  const language = languageCharacters.exec(languageClass.slice('language-'.length))?.[0] ?? '';
  return language.length <= maxLanguageLength ? language : '';
}

/**
 * Wraps every `<pre><code>` under `container` that has no toolbar yet in a `.code-block` with one.
 * Safe to call again after each render: blocks already wrapped are left alone.
 */
export function addCodeToolbars(document: Document, container: HTMLElement, post: (message: CodeActionMessage) => void): void {
  for (const pre of Array.from(container.querySelectorAll('pre'))) {
    const code = Array.from(pre.children).find((child) => child.tagName === 'CODE');
    if (!code || pre.parentElement?.classList.contains('code-block')) continue;
    const toolbar = createElement(document, 'div', { className: 'code-toolbar', attributes: { role: 'group', 'aria-label': 'Code actions' } },
      buttons.map(({ action, text, label }) => {
        const button = createElement(document, 'button', { className: 'code-action', text, attributes: { type: 'button', 'aria-label': label } });
        button.dataset.codeAction = action;
        button.addEventListener('click', () => {
          post({ type: 'codeAction', action, code: code.textContent ?? '', language: codeLanguage(code) });
          if (action === 'copy') showCopied(document, button, text, label);
        });
        return button;
      }));
    const block = createElement(document, 'div', { className: 'code-block' });
    pre.replaceWith(block);
    block.append(pre, toolbar);
  }
}

const copiedTimers = new WeakMap<HTMLButtonElement, ReturnType<Window['setTimeout']>>();

/** "Copied" for a moment (the host copies; nothing comes back to confirm it), then the label again. */
function showCopied(document: Document, button: HTMLButtonElement, text: string, label: string): void {
  const window = document.defaultView;
  button.classList.add('copied');
  button.textContent = 'Copied';
  button.setAttribute('aria-label', 'Code copied');
  if (!window) return;
  const previous = copiedTimers.get(button);
  if (previous !== undefined) window.clearTimeout(previous);
  copiedTimers.set(button, window.setTimeout(() => {
    button.classList.remove('copied');
    button.textContent = text;
    button.setAttribute('aria-label', label);
    copiedTimers.delete(button);
  }, copiedFeedbackMs));
}
