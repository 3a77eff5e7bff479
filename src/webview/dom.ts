// A small element builder for the chat panel. Text goes in as text (textContent), never as HTML;
// the only HTML the panel inserts is sanitized markdown (see markdown.ts). No inline styles: the
// panel's CSP has no 'unsafe-inline' for styles, so looks come from classes in media/chat.css.

export interface ElementOptions {
  readonly className?: string;
  readonly text?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export function createElement<K extends keyof HTMLElementTagNameMap>(
  document: Document,
  tag: K,
  options: ElementOptions = {},
  children: readonly Node[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attributes ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}
