// The document the preview iframe and the score render: the no-network CSP first in <head>, the
// page otherwise unchanged, Tailwind's runtime inlined safely.

import assert from 'node:assert/strict';
import { buildPreviewDocument, escapeScriptText, previewContentSecurityPolicy } from '../../../src/core/mockup/previewDocument';

const csp = `<meta http-equiv="Content-Security-Policy" content="${previewContentSecurityPolicy}">`;

describe('buildPreviewDocument', () => {
  it('wraps a fragment in a document whose head starts with the CSP', () => {
    const doc = buildPreviewDocument('<div class="card">Hi</div>', 'html');
    assert.match(doc, /^<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy"/);
    assert.ok(doc.includes('<body><div class="card">Hi</div></body>'));
  });

  it('puts the CSP first inside an existing head, before the page\'s own elements, keeping attributes', () => {
    const page = '<!DOCTYPE html>\n<HTML lang="en"><HEAD data-x="1"><link rel="stylesheet" href="https://cdn.example/x.css"><style>p{}</style></HEAD><body><p>x</p></body></HTML>';
    const doc = buildPreviewDocument(page, 'html');
    assert.equal(doc, page.replace('<HEAD data-x="1">', `<HEAD data-x="1">${csp}`));
    assert.ok(doc.indexOf(csp) < doc.indexOf('<link'), 'the CSP precedes the stylesheet link it must block');
  });

  it('adds a head right after <html> (or after the doctype) when the page has none', () => {
    assert.equal(buildPreviewDocument('<html><body>x</body></html>', 'html'), `<html><head>${csp}</head><body>x</body></html>`);
    assert.equal(buildPreviewDocument('<!doctype html><body>x</body>', 'html'), `<!doctype html><head>${csp}</head><body>x</body>`);
  });

  it('does not mistake <header> for <head>', () => {
    const doc = buildPreviewDocument('<header>Top</header>', 'html');
    assert.ok(doc.startsWith('<!DOCTYPE html><html><head>'));
    assert.ok(doc.includes('<body><header>Top</header></body>'));
  });

  it('inlines the Tailwind runtime after the CSP for Tailwind pages only', () => {
    const runtime = 'console.log("tw")';
    const tailwind = buildPreviewDocument('<div class="p-4">x</div>', 'tailwind', runtime);
    assert.ok(tailwind.includes(`${csp}<script>${runtime}</script>`));
    assert.ok(!buildPreviewDocument('<div>x</div>', 'html', runtime).includes(runtime), 'an HTML page gets no runtime');
    assert.ok(!buildPreviewDocument('<div>x</div>', 'tailwind').includes('<script>'), 'no runtime at hand: none inlined');
  });

  it('escapes </script and <!-- in the runtime so it cannot end its element early', () => {
    const runtime = 'var a = "</script><img src=x>"; var b = "</SCRIPT>"; var c = "<!--";';
    const doc = buildPreviewDocument('<p>x</p>', 'tailwind', runtime);
    const inline = doc.slice(doc.indexOf('<script>') + 8, doc.indexOf('</script>'));
    assert.equal(inline, escapeScriptText(runtime));
    assert.ok(!/<\/script/i.test(inline));
    assert.ok(!inline.includes('<!--'));
    assert.equal(doc.match(/<\/script>/g)?.length, 1, 'exactly one closing tag: the one we wrote');
  });

  it('the CSP allows no network: no default, connect, image or font source but data:', () => {
    assert.match(previewContentSecurityPolicy, /default-src 'none'/);
    assert.doesNotMatch(previewContentSecurityPolicy, /https?:|\*|connect-src/);
    assert.match(previewContentSecurityPolicy, /img-src data:;/);
  });
});
