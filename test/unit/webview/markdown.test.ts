// Model output becomes sanitized HTML: hostile markup stays inert (no scripts, no requests, no
// handlers, no javascript: links) and ordinary markdown still renders.

import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { renderMarkdown } from '../../../src/webview/markdown';

const { window } = new JSDOM('<!DOCTYPE html><body></body>');

/** Renders markdown and parses the result back, to assert on elements rather than on strings. */
function render(markdown: string): HTMLElement {
  const container = window.document.createElement('div');
  container.innerHTML = renderMarkdown(markdown, window);
  return container;
}

function assertInert(container: HTMLElement): void {
  const all = Array.from(container.querySelectorAll('*'));
  assert.deepEqual(all.filter((element) => /^(script|img|style|iframe|form|input|svg|object|embed)$/i.test(element.tagName)).map((e) => e.tagName), []);
  for (const element of all) {
    for (const attribute of Array.from(element.attributes)) {
      assert.doesNotMatch(attribute.name, /^on/i, `${element.tagName} has ${attribute.name}`);
      assert.notEqual(attribute.name, 'src', `${element.tagName} has a src`);
      assert.notEqual(attribute.name, 'style', `${element.tagName} has a style`);
    }
  }
  for (const link of Array.from(container.querySelectorAll('a[href]'))) {
    assert.match(link.getAttribute('href') ?? '', /^(https?:|mailto:)/i);
  }
}

describe('renderMarkdown', () => {
  it('shows a <script> tag as text instead of running it', () => {
    const container = render('Before <script>alert(1)</script> after');
    assertInert(container);
    assert.equal(container.textContent?.trim(), 'Before <script>alert(1)</script> after');
  });

  it('shows a raw <img> tag as text, so nothing is fetched', () => {
    const container = render('<img src="https://evil.example/x.png">');
    assertInert(container);
    assert.equal(container.textContent?.trim(), '<img src="https://evil.example/x.png">');
  });

  it('shows markdown image syntax as its literal text, not as an image or a link', () => {
    const container = render('Look: ![a](https://evil.example/a.png?secret=1)');
    assertInert(container);
    assert.equal(container.querySelectorAll('a').length, 0);
    assert.equal(container.querySelector('.md-image-text')?.textContent, '![a](https://evil.example/a.png?secret=1)');
  });

  it('shows a reference-style image as text too', () => {
    const container = render('![logo][ref]\n\n[ref]: https://evil.example/logo.png');
    assertInert(container);
    assert.equal(container.querySelector('.md-image-text')?.textContent, '![logo](https://evil.example/logo.png)');
  });

  it('leaves a javascript: link as text', () => {
    const container = render('[click](javascript:alert(1)) and [data](data:text/html,hi) and [cmd](command:workbench.action.quit)');
    assertInert(container);
    assert.equal(container.querySelectorAll('a').length, 0);
    assert.match(container.textContent ?? '', /\[click\]\(javascript:alert\(1\)\)/);
  });

  it('shows a raw <a onclick> as text', () => {
    const container = render('<a href="https://x" onclick="y">x</a>');
    assertInert(container);
    assert.equal(container.querySelectorAll('a').length, 0);
    assert.equal(container.textContent?.trim(), '<a href="https://x" onclick="y">x</a>');
  });

  it('shows a raw <div style> as text', () => {
    const container = render('<div style="position:fixed;inset:0">covered</div>');
    assertInert(container);
    assert.equal(container.querySelectorAll('div').length, 0);
    assert.equal(container.textContent?.trim(), '<div style="position:fixed;inset:0">covered</div>');
  });

  it('renders headings, lists, inline code and a fenced block with its language class', () => {
    const container = render('# Title\n\n- one\n- two\n\n1. first\n\nUse `npm test`.\n\n```ts\nconst a = 1 < 2;\n```\n');
    assertInert(container);
    assert.equal(container.querySelector('h1')?.textContent, 'Title');
    assert.deepEqual(Array.from(container.querySelectorAll('ul > li')).map((li) => li.textContent), ['one', 'two']);
    assert.equal(container.querySelector('ol > li')?.textContent, 'first');
    assert.equal(container.querySelector('p > code')?.textContent, 'npm test');
    const block = container.querySelector('pre > code');
    assert.equal(block?.className, 'language-ts');
    assert.equal(block?.textContent, 'const a = 1 < 2;\n');
  });

  it('renders https and mailto links with rel="noopener noreferrer"', () => {
    const container = render('See [the docs](https://example.com/docs "Docs") or <mailto:help@example.com>.');
    assertInert(container);
    const links = Array.from(container.querySelectorAll('a'));
    assert.deepEqual(links.map((a) => a.getAttribute('href')), ['https://example.com/docs', 'mailto:help@example.com']);
    assert.deepEqual(links.map((a) => a.getAttribute('rel')), ['noopener noreferrer', 'noopener noreferrer']);
    assert.equal(links[0].getAttribute('title'), 'Docs');
  });

  it('turns table alignment into classes instead of inline styles', () => {
    const container = render('| a | b |\n|:--|--:|\n| 1 | 2 |');
    assertInert(container);
    assert.deepEqual(Array.from(container.querySelectorAll('th')).map((th) => th.className), ['md-align-left', 'md-align-right']);
  });

  it('refuses to render without a DOM to sanitize with', () => {
    assert.throws(() => renderMarkdown('hello', undefined), /needs a DOM window/);
  });
});
