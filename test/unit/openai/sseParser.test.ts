// The SSE parser must give the same events however the bytes are split.

import assert from 'node:assert/strict';
import { SseParser } from '../../../src/core/openai/sseParser';

const stream =
  ': keep-alive\n\n' +
  'data: {"a":1}\n\n' +
  'event: error\r\ndata: line one\r\ndata: line two\r\n\r\n' +
  'data: {"text":"héllo 👋"}\n\n' +
  'data: [DONE]\n\n';

const expected = [
  { event: 'message', data: '{"a":1}', id: undefined },
  { event: 'error', data: 'line one\nline two', id: undefined },
  { event: 'message', data: '{"text":"héllo 👋"}', id: undefined },
  { event: 'message', data: '[DONE]', id: undefined },
];

describe('SseParser', () => {
  it('parses a whole stream given at once', () => {
    const parser = new SseParser();
    assert.deepEqual([...parser.push(Buffer.from(stream)), ...parser.end()], expected);
  });

  it('gives the same events when the bytes arrive one at a time (split UTF-8 and CRLF)', () => {
    const parser = new SseParser();
    const events = [];
    for (const byte of Buffer.from(stream)) events.push(...parser.push(Uint8Array.of(byte)));
    events.push(...parser.end());
    assert.deepEqual(events, expected);
  });

  it('completes a last event that lacks its blank line at end of stream', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: tail'), []);
    assert.deepEqual(parser.end(), [{ event: 'message', data: 'tail', id: undefined }]);
  });

  it('ignores comments, even between data lines of one event', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: a\n: ping\ndata: b\n\n'), [{ event: 'message', data: 'a\nb', id: undefined }]);
  });
});
