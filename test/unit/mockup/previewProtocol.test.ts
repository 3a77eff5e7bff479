// The preview's messages are validated on both sides: well-formed ones pass, anything else is refused.

import assert from 'node:assert/strict';
import { parsePreviewHostMessage, parsePreviewWebviewMessage } from '../../../src/core/mockup/previewProtocol';

describe('mockup preview protocol', () => {
  it('accepts the host messages the preview understands', () => {
    const messages = [
      { type: 'mockup', dataUri: 'data:image/png;base64,AA', width: 640, height: 480, label: 'login.png' },
      { type: 'runtime', tailwind: '(()=>{})()' },
      { type: 'code', code: '<p>x</p>', preview: 'html', targetLabel: 'HTML + CSS', streaming: true },
      { type: 'score', state: 'done', score: 0.7, ssim: 0.6, colour: 0.9, renderDataUri: 'data:image/png;base64,AA' },
      { type: 'score', state: 'skipped', message: 'No browser found.' },
      { type: 'status', text: 'Writing…' },
    ];
    for (const message of messages) assert.equal(parsePreviewHostMessage(message).ok, true, JSON.stringify(message));
  });

  it('refuses remote images, unknown page kinds, extra fields and unknown types', () => {
    const refused = [
      { type: 'mockup', dataUri: 'https://example.com/x.png', width: 640, height: 480, label: 'x' },
      { type: 'mockup', dataUri: 'data:image/png;base64,AA', width: 0, height: 480, label: 'x' },
      { type: 'code', code: '<p>x</p>', preview: 'iframe', targetLabel: 'x', streaming: false },
      { type: 'score', state: 'done', renderDataUri: 'data:text/html,<script>' },
      { type: 'status', text: 'x', extra: 1 },
      { type: 'navigate', url: 'https://example.com' },
      null,
      'status',
    ];
    for (const message of refused) assert.equal(parsePreviewHostMessage(message).ok, false, JSON.stringify(message));
  });

  it('accepts ready, rescore and log from the webview, and nothing else', () => {
    assert.equal(parsePreviewWebviewMessage({ type: 'ready' }).ok, true);
    assert.equal(parsePreviewWebviewMessage({ type: 'rescore' }).ok, true);
    assert.equal(parsePreviewWebviewMessage({ type: 'log', level: 'warn', message: 'x' }).ok, true);
    assert.equal(parsePreviewWebviewMessage({ type: 'log', level: 'debug', message: 'x' }).ok, false);
    assert.equal(parsePreviewWebviewMessage({ type: 'ask', text: 'x' }).ok, false);
  });
});
