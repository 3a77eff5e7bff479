// The webviews' HTML shell and CSP: nothing by default, no remote images, the chat panel's script
// only by its nonce, and the preview's policy open to inline code only as its srcdoc iframe needs.

import assert from 'node:assert/strict';
import { contentSecurityPolicy, pageHtml, type WebviewPage } from '../../../src/vscode/webviewPage';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
const mediaUri = (file: string) => `${cspSource}/ext/media/${file}`;
const chatPage: WebviewPage = { title: 'Glimpse', stylesheet: 'chat.css', script: 'chat.js', rootId: 'glimpse-chat', scripts: 'nonce' };
const previewPage: WebviewPage = { title: 'Glimpse preview', stylesheet: 'preview.css', script: 'preview.js', rootId: 'glimpse-preview', scripts: 'inline-for-srcdoc' };

describe('webview page and CSP', () => {
  it('the chat panel: scripts only with the nonce, styles and fonts from the extension, images as data: only', () => {
    assert.equal(
      contentSecurityPolicy('nonce', cspSource, 'N0nce'),
      `default-src 'none'; img-src data:; style-src ${cspSource}; font-src ${cspSource}; script-src 'nonce-N0nce'`,
    );
  });

  it('the preview: inline styles and scripts for its srcdoc page, no nonce, fonts and images as data: only', () => {
    const policy = contentSecurityPolicy('inline-for-srcdoc', cspSource, 'N0nce');
    assert.equal(policy, `default-src 'none'; img-src data:; style-src ${cspSource} 'unsafe-inline'; font-src data:; script-src ${cspSource} 'unsafe-inline'`);
    assert.doesNotMatch(policy, /nonce/, 'a nonce would switch unsafe-inline off for the iframe');
  });

  it('the chat document loads its script with the nonce, into its root', () => {
    assert.equal(pageHtml(chatPage, cspSource, mediaUri, 'N0nce'), `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src ${cspSource}; font-src ${cspSource}; script-src 'nonce-N0nce'">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${cspSource}/ext/media/chat.css">
<title>Glimpse</title>
</head>
<body>
<main id="glimpse-chat"></main>
<script nonce="N0nce" src="${cspSource}/ext/media/chat.js"></script>
</body>
</html>`);
  });

  it('the preview document loads its script from the extension, without a nonce', () => {
    const html = pageHtml(previewPage, cspSource, mediaUri, 'N0nce');
    assert.match(html, /<title>Glimpse preview<\/title>/);
    assert.match(html, /<main id="glimpse-preview"><\/main>\n<script src="[^"]+\/media\/preview\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="[^"]+\/media\/preview\.css">/);
    assert.doesNotMatch(html, /N0nce/);
  });
});
