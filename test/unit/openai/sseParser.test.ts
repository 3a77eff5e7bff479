// The SSE parser must give the same events however the bytes are split, and hold at most one
// line and one event of bounded size whatever the server sends.

import assert from 'node:assert/strict';
import { SseParser, SseTooLargeError } from '../../../src/core/openai/sseParser';

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

describe('SseParser limits', () => {
  const limits = { maxLineBytes: 64, maxEventBytes: 200 };

  it('refuses a line over the limit that has no line end yet, keeping only its start', () => {
    const parser = new SseParser(limits, 'The server at http://s');
    parser.push('data: ');
    assert.throws(() => {
      for (let i = 0; i < 100; i++) parser.push('x'.repeat(10));
    }, (error: unknown) => {
      assert.ok(error instanceof SseTooLargeError);
      assert.equal(error.code, 'remote-bad-response');
      assert.equal(error.kind, 'line');
      assert.match(error.message, /^The server at http:\/\/s sent an event line over 64 bytes without a line end: not a valid event stream\./);
      assert.ok(error.head.startsWith('data: xxx') && error.head.length <= 70, error.head);
      return true;
    });
  });

  it('refuses a whole line over the limit that arrives in one chunk', () => {
    const parser = new SseParser(limits);
    assert.throws(() => parser.push(`data: ${'x'.repeat(100)}\n\n`), (error: unknown) => error instanceof SseTooLargeError && error.kind === 'line');
  });

  it('accepts a line of exactly the limit whose last character is split across chunks, and refuses one byte more', () => {
    // 'data: ' (6) + 54 ASCII + '👋' (4 bytes) = 64 bytes.
    const line = Buffer.from(`data: ${'a'.repeat(54)}👋`);
    assert.equal(line.length, 64);
    const parser = new SseParser(limits);
    assert.deepEqual(parser.push(line.subarray(0, 62)), []);
    assert.deepEqual(parser.push(Buffer.concat([line.subarray(62), Buffer.from('\n\n')])), [{ event: 'message', data: `${'a'.repeat(54)}👋`, id: undefined }]);

    const longer = Buffer.from(`data: ${'a'.repeat(55)}👋`);
    const refusing = new SseParser(limits);
    refusing.push(longer.subarray(0, 63));
    assert.throws(() => refusing.push(longer.subarray(63)), SseTooLargeError);
  });

  it('refuses an event whose data lines together pass the limit, naming the event kind', () => {
    const parser = new SseParser(limits);
    parser.push('event: error\n');
    assert.throws(() => {
      for (let i = 0; i < 10; i++) parser.push(`data: ${'y'.repeat(40)}\n`);
    }, (error: unknown) => {
      assert.ok(error instanceof SseTooLargeError);
      assert.equal(error.kind, 'event');
      assert.equal(error.eventName, 'error');
      assert.equal(error.head, 'y'.repeat(40));
      assert.match(error.message, /sent an event over 200 bytes \(data lines with no blank line to end the event\)/);
      return true;
    });
  });

  it('does not count comments, or events already dispatched, towards the event limit', () => {
    const parser = new SseParser(limits);
    const events = [];
    for (let i = 0; i < 50; i++) events.push(...parser.push(`: ping ${i}\ndata: ${'z'.repeat(40)}\n\n`));
    assert.equal(events.length, 50);
  });

  it('returns the events completed before a limit was passed in the same chunk, then refuses', () => {
    const parser = new SseParser(limits);
    assert.deepEqual(parser.push(`data: ok\n\ndata: ${'x'.repeat(100)}`), [{ event: 'message', data: 'ok', id: undefined }]);
    assert.throws(() => parser.push('more'), SseTooLargeError);
  });

  it('reads a CR line end split from its LF by a chunk boundary as one line end', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: a\r'), []);
    assert.deepEqual(parser.push('\ndata: b\r'), []);
    assert.deepEqual(parser.push('\n\r\n'), [{ event: 'message', data: 'a\nb', id: undefined }]);
  });

  it('decodes invalid UTF-8 as U+FFFD, and skips a byte-order mark at the start of the stream', () => {
    const parser = new SseParser();
    const events = parser.push(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('data: a'), Buffer.from([0xfe]), Buffer.from('b\n\n')]));
    assert.deepEqual(events, [{ event: 'message', data: 'a\uFFFDb', id: undefined }]);
  });

  it('reads an older llama-server\'s "error:" line as an error event', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('error: {"message":"boom"}\n\n'), [{ event: 'error', data: '{"message":"boom"}', id: undefined }]);
  });

  it('keeps memory bounded for an endless line at the default limit: at most about 1 MiB held', () => {
    const parser = new SseParser();
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    let fed = 0;
    assert.throws(() => {
      parser.push('data: ');
      for (;;) {
        parser.push(chunk);
        fed += chunk.length;
        if (fed > 64 * 1024 * 1024) break; // the limit never came: fail below
      }
    }, SseTooLargeError);
    assert.ok(fed <= 1024 * 1024, `fed ${fed} bytes before the refusal`);
  });
});
