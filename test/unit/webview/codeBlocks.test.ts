// Code blocks of an answer get a toolbar whose buttons post codeAction messages with the block's
// exact text and language; inline code gets none, and re-rendering never doubles a toolbar.

import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { addCodeToolbars, codeLanguage } from '../../../src/webview/codeBlocks';
import type { CodeActionMessage } from '../../../src/webview/codeBlocks';
import { setUpChatView as setUp } from './chatViewHarness';

const typescript = 'const greeting: string = "<b>x</b>";\n\nconsole.log(greeting);\n';
const plain = '<b>x</b> & <script>alert(1)</script>\n  indented line\n';
const answer = `Two blocks:\n\n\`\`\`ts\n${typescript}\`\`\`\n\nand\n\n\`\`\`\n${plain}\`\`\`\n\nDone.`;

const buttonsIn = (toolbar: Element) => Array.from(toolbar.querySelectorAll<HTMLButtonElement>('button'));

describe('code block toolbars', () => {
  it('gives each fenced block one toolbar with Copy, Insert at Cursor and Open in Editor buttons', () => {
    const { document, send } = setUp();
    send({ type: 'turnAdded', turn: { id: 'a1', role: 'assistant', text: answer, status: 'done' } });
    const toolbars = Array.from(document.querySelectorAll('.answer .code-block > .code-toolbar'));
    assert.equal(toolbars.length, 2);
    for (const toolbar of toolbars) {
      const buttons = buttonsIn(toolbar);
      assert.deepEqual(buttons.map((button) => button.textContent), ['Copy', 'Insert at Cursor', 'Open in Editor']);
      assert.deepEqual(buttons.map((button) => button.getAttribute('aria-label')), ['Copy code', 'Insert code at cursor', 'Open code in a new editor']);
      assert.ok(buttons.every((button) => button.type === 'button' && button.tabIndex === 0 && !button.hidden && !button.disabled), 'each button is reachable with Tab');
      assert.equal(toolbar.previousElementSibling?.tagName, 'PRE', 'the toolbar belongs to its block');
    }
  });

  it('posts each action with the exact code text and the block\'s language', () => {
    const { document, send, posted } = setUp();
    send({ type: 'turnAdded', turn: { id: 'a1', role: 'assistant', text: answer, status: 'done' } });
    assert.equal(document.querySelectorAll('.answer b, .answer script').length, 0, 'HTML-like code stays text');
    const [first, second] = Array.from(document.querySelectorAll('.code-toolbar')).map(buttonsIn);
    [...first, ...second].forEach((button) => button.click());
    const expected = (code: string, language: string): CodeActionMessage[] =>
      (['copy', 'insert', 'open'] as const).map((action) => ({ type: 'codeAction', action, code, language }));
    assert.deepEqual(posted, [...expected(typescript, 'ts'), ...expected(plain, '')]);
  });

  it('shows "Copied" on the Copy button after a click, with a class and no inline style', () => {
    const { document, send } = setUp();
    send({ type: 'turnAdded', turn: { id: 'a1', role: 'assistant', text: answer, status: 'done' } });
    const [copy, insert] = buttonsIn(document.querySelector('.code-toolbar')!);
    copy.click();
    assert.equal(copy.textContent, 'Copied');
    assert.ok(copy.classList.contains('copied'));
    assert.equal(copy.getAttribute('aria-label'), 'Code copied');
    assert.equal(copy.hasAttribute('style'), false);
    insert.click();
    assert.equal(insert.textContent, 'Insert at Cursor', 'only Copy gives this feedback');
  });

  it('does not duplicate toolbars when a streaming answer is re-rendered, nor when it ends', () => {
    const { document, send, runFrames, posted } = setUp();
    send({ type: 'turnAdded', turn: { id: 'a1', role: 'assistant', text: '', status: 'streaming' } });
    send({ type: 'answerDelta', turnId: 'a1', text: 'Here:\n\n```ts\nlet a = 1;\n```\n\n' });
    runFrames();
    assert.equal(document.querySelectorAll('.code-toolbar').length, 1);
    send({ type: 'answerDelta', turnId: 'a1', text: 'More:\n\n```py\nb = 2\n' });
    runFrames();
    send({ type: 'answerDelta', turnId: 'a1', text: 'c = 3\n```\n' });
    runFrames();
    assert.equal(document.querySelectorAll('.code-toolbar').length, 2);
    send({ type: 'answerEnded', turnId: 'a1', status: 'done' });
    assert.equal(document.querySelectorAll('.code-toolbar').length, 2);
    assert.equal(document.querySelectorAll('.code-block .code-block').length, 0);
    buttonsIn(document.querySelectorAll('.code-toolbar')[1])[2].click();
    assert.deepEqual(posted, [{ type: 'codeAction', action: 'open', code: 'b = 2\nc = 3\n', language: 'py' }]);
  });

  it('adds nothing to inline code', () => {
    const { document, send } = setUp();
    send({ type: 'turnAdded', turn: { id: 'a1', role: 'assistant', text: 'Call `render()` then `end()`.', status: 'done' } });
    assert.equal(document.querySelectorAll('.answer code').length, 2);
    assert.equal(document.querySelectorAll('.code-toolbar, .code-block, .answer button').length, 0);
  });

  it('leaves blocks that already have a toolbar alone when called again', () => {
    const { window } = new JSDOM('<!DOCTYPE html><body><div><pre><code>x\n</code></pre></div></body>');
    const container = window.document.querySelector('div')!;
    addCodeToolbars(window.document, container, () => undefined);
    addCodeToolbars(window.document, container, () => undefined);
    assert.equal(container.querySelectorAll('.code-toolbar').length, 1);
  });
});

describe('codeLanguage', () => {
  const { window } = new JSDOM('<!DOCTYPE html><body></body>');
  const code = (className: string) => {
    const element = window.document.createElement('code');
    element.className = className;
    return element;
  };

  it('reads the id from the language- class and keeps only what the protocol allows', () => {
    assert.equal(codeLanguage(code('language-typescript')), 'typescript');
    assert.equal(codeLanguage(code('language-c++')), 'c++');
    assert.equal(codeLanguage(code('language-C#')), 'C#');
    assert.equal(codeLanguage(code('language-python{1,3}')), 'python', 'stops at the first character the protocol refuses');
    assert.equal(codeLanguage(code('language-"><x')), '');
  });

  it('is empty without a language class or for an id longer than 50 characters', () => {
    assert.equal(codeLanguage(code('')), '');
    assert.equal(codeLanguage(code('hljs')), '');
    assert.equal(codeLanguage(code(`language-${'a'.repeat(50)}`)), 'a'.repeat(50));
    assert.equal(codeLanguage(code(`language-${'a'.repeat(51)}`)), '');
  });
});
