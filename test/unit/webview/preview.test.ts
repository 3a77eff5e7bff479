// The mockup preview page in jsdom: the iframe is sandboxed with allow-scripts only, gets the page
// with the no-network CSP (and Tailwind's runtime when sent), React/Vue get an honest message, the
// score shows, and invalid host messages are dropped with a log line.

import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import type { PreviewHostMessage, PreviewWebviewMessage } from '../../../src/core/mockup/previewProtocol';
import { PreviewView } from '../../../src/webview/preview/previewView';

function setUp() {
  const dom = new JSDOM('<!DOCTYPE html><body><main id="glimpse-preview"></main></body>');
  const document = dom.window.document;
  const posted: PreviewWebviewMessage[] = [];
  const view = new PreviewView({ document, postMessage: (message) => posted.push(message) });
  view.mount(document.getElementById('glimpse-preview')!);
  const send = (...messages: PreviewHostMessage[]) => messages.forEach((message) => view.receive(message));
  return { document, view, posted, send, $: (selector: string) => document.querySelector(selector) };
}

describe('mockup preview view', () => {
  it('renders the page in an iframe sandboxed with allow-scripts only, CSP first', () => {
    const { view, send } = setUp();
    send({ type: 'mockup', dataUri: 'data:image/png;base64,AA', width: 640, height: 480, label: 'login.png' });
    send({ type: 'code', code: '<h1>Sign in</h1>', preview: 'html', targetLabel: 'HTML + CSS', streaming: false });
    assert.equal(view.iframe.getAttribute('sandbox'), 'allow-scripts');
    assert.ok(!view.iframe.getAttribute('sandbox')!.includes('allow-same-origin'));
    assert.equal(view.iframe.getAttribute('width'), '640', 'the page lays out at the mockup\'s width');
    const srcdoc = view.iframe.getAttribute('srcdoc') ?? '';
    assert.match(srcdoc, /<head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    assert.ok(srcdoc.includes('<h1>Sign in</h1>'));
  });

  it('inlines the Tailwind runtime the host sent into Tailwind pages', () => {
    const { view, send } = setUp();
    send({ type: 'runtime', tailwind: 'window.tw = 1' });
    send({ type: 'code', code: '<div class="p-4">x</div>', preview: 'tailwind', targetLabel: 'HTML + Tailwind', streaming: true });
    assert.ok((view.iframe.getAttribute('srcdoc') ?? '').includes('<script>window.tw = 1</script>'));
  });

  it('says there is no live preview for React and Vue instead of showing a broken page', () => {
    const { view, send, $ } = setUp();
    send({ type: 'code', code: 'export default function App() {}', preview: 'none', targetLabel: 'React (TSX)', streaming: false });
    const note = $('.preview-none') as HTMLElement;
    assert.equal(note.hidden, false);
    assert.match(note.textContent ?? '', /No live preview for React \(TSX\) yet/);
    assert.equal(view.iframe.getAttribute('srcdoc'), null);
  });

  it('shows the score with its parts and the render, and asks the host to rescore', () => {
    const { posted, send, $ } = setUp();
    send({ type: 'score', state: 'running' });
    assert.equal(($('.preview-score-value') as HTMLElement).textContent, 'Scoring…');
    send({ type: 'score', state: 'done', score: 0.734, ssim: 0.7, colour: 0.88, renderDataUri: 'data:image/png;base64,AA' });
    assert.equal(($('.preview-score-value') as HTMLElement).textContent, 'Visual score 73/100');
    assert.match(($('.preview-score-detail') as HTMLElement).textContent ?? '', /SSIM\) 0\.70 · colour similarity 0\.88/);
    const render = $('.preview-render-image') as HTMLImageElement;
    assert.equal(render.hidden, false);
    assert.equal(render.getAttribute('src'), 'data:image/png;base64,AA');
    ($('.preview-score button') as HTMLButtonElement).click();
    assert.deepEqual(posted, [{ type: 'rescore' }]);
  });

  it('switches between side by side, mockup and page with radio buttons', () => {
    const { view, $ } = setUp();
    assert.equal(view.mode, 'both');
    ($('button[data-mode="page"]') as HTMLButtonElement).click();
    assert.equal(view.mode, 'page');
    assert.equal(($('button[data-mode="page"]') as HTMLElement).getAttribute('aria-checked'), 'true');
    assert.equal(($('button[data-mode="both"]') as HTMLElement).getAttribute('aria-checked'), 'false');
  });

  it('drops an invalid host message with a log line and changes nothing', () => {
    const { view, posted } = setUp();
    view.receive({ type: 'code', code: '<p>x</p>', preview: 'html', targetLabel: 'x', streaming: false, evil: true });
    view.receive({ type: 'mockup', dataUri: 'https://tracker.example/x.png', width: 1, height: 1, label: 'x' });
    assert.equal(view.iframe.getAttribute('srcdoc'), null);
    assert.equal(posted.length, 2);
    assert.ok(posted.every((m) => m.type === 'log'));
  });
});
