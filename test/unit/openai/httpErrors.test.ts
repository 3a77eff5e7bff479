// Reading Retry-After and shortening error bodies to the line a user sees.

import assert from 'node:assert/strict';
import { httpStatusError, parseRetryAfter, summariseErrorBody } from '../../../src/core/openai/httpErrors';

describe('HTTP error answers', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');

  it('reads Retry-After as seconds, as an HTTP date, and prefers retry-after-ms', () => {
    assert.equal(parseRetryAfter({ 'retry-after': '7' }, now), 7_000);
    assert.equal(parseRetryAfter({ 'retry-after': '0.5' }, now), 500);
    assert.equal(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 12:00:30 GMT' }, now), 30_000);
    assert.equal(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 11:59:00 GMT' }, now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now), 250);
    assert.equal(parseRetryAfter({ 'retry-after': 'soon' }, now), undefined);
    assert.equal(parseRetryAfter({}, now), undefined);
  });

  it('takes the message out of JSON errors in the shapes servers use', () => {
    assert.equal(summariseErrorBody('{"error":{"message":"Invalid API Key","type":"authentication_error"}}'), 'Invalid API Key');
    assert.equal(summariseErrorBody('{"error":"model \\"x\\" not found"}'), 'model "x" not found');
    assert.equal(summariseErrorBody('{"detail":"Not Found"}'), 'Not Found');
    assert.equal(summariseErrorBody('{"object":"error","message":"bad","code":400}'), 'bad');
  });

  it('takes the message out of a JSON error cut off by the size limit, escapes decoded, marked as cut', () => {
    assert.equal(summariseErrorBody('{"error":{"code":500,"message":"line \\"one\\"\\nline \\u00e9tw'), 'line "one" line étw…');
    assert.equal(summariseErrorBody('{"detail":"Not Fou'), 'Not Fou…');
    assert.equal(summariseErrorBody('{"error":"model \\u00'), 'model…', 'an escape cut in its middle is dropped');
    assert.equal(summariseErrorBody('{"choices":[{"x'), '{"choices":[{"x', 'no message: the text as it is');
  });

  it('redacts the request\'s secrets and credential-shaped text from the line', () => {
    assert.equal(summariseErrorBody('{"error":{"message":"bad key k-123456 (Authorization: Bearer k-123456)"}}', 'application/json', ['k-123456']),
      'bad key [redacted] (Authorization: Bearer [redacted])');
    const error = httpStatusError(401, 'Unauthorized', '{"error":"echo: Bearer sk-abcdefghijklmnopqrstuvwx"}', 'application/json', undefined, { serverLabel: 'https://s', path: '/v1/chat/completions' });
    assert.doesNotMatch(`${error.message} ${error.detail}`, /sk-abc/);
    assert.match(error.detail ?? '', /^The server's answer \(credentials redacted\): \{"error":"echo: Bearer \[redacted\]"\}$/);
  });

  it('reduces an HTML page to its title, or to its text without tags and scripts', () => {
    assert.equal(summariseErrorBody('<html><head><title>503 Service Temporarily Unavailable</title></head><body>x</body></html>', 'text/html'), '503 Service Temporarily Unavailable');
    assert.equal(summariseErrorBody('<html><body><script>var a=1;</script><h1>Gateway &amp; proxy</h1>\n\n<p>timed out</p></body></html>', 'text/html'), 'Gateway & proxy timed out');
  });

  it('keeps a long body to one line of at most 500 characters', () => {
    const summary = summariseErrorBody(`line one\n${'x'.repeat(1000)}`);
    assert.equal(summary.length, 500);
    assert.ok(summary.startsWith('line one x'));
    assert.ok(summary.endsWith('…'));
  });

  it('words a 404 without a model name, and an unexpected 4xx, with what to check', () => {
    assert.match(httpStatusError(404, 'Not Found', '', '', undefined, { serverLabel: 'https://s', path: '/v1/chat/completions' }).message,
      /^https:\/\/s answered 404 Not Found for \/v1\/chat\/completions\. Check the server address \(the part before \/v1\) and the model name:/);
    const badRequest = httpStatusError(400, 'Bad Request', '{"error":{"message":"max_tokens must be at least 1"}}', 'application/json', undefined, { serverLabel: 'https://s', path: '/v1/chat/completions' });
    assert.equal(badRequest.code, 'engine-request-failed');
    assert.match(badRequest.message, /400 Bad Request: "max_tokens must be at least 1"\. Check/);
  });

  it('recognises a server refusing images (OpenAI\'s and vLLM\'s wording) as remote-no-vision', () => {
    const context = { serverLabel: 'https://s', path: '/v1/chat/completions', model: 'gpt-3.5-turbo' };
    const openAi = httpStatusError(400, 'Bad Request', '{"error":{"message":"Invalid content type. image_url is only supported by certain models."}}', 'application/json', undefined, context);
    assert.equal(openAi.code, 'remote-no-vision');
    assert.match(openAi.message, /"gpt-3\.5-turbo"/);
    const vllm = httpStatusError(400, 'Bad Request', '{"object":"error","message":"facebook/opt-125m is not a multimodal model","code":400}', 'application/json', undefined, context);
    assert.equal(vllm.code, 'remote-no-vision');
  });
});

describe('httpStatusError: a prompt past the context', () => {
  it('says the conversation no longer fits and what to do, for llama-server\'s wording', () => {
    const error = httpStatusError(400, 'Bad Request', JSON.stringify({ error: { message: 'request (2063 tokens) exceeds the available context size (2048 tokens), try increasing it' } }), 'application/json', undefined, { serverLabel: 'http://127.0.0.1:1', path: '/v1/chat/completions' });
    assert.equal(error.code, 'context-full');
    assert.match(error.message, /2063 tokens.*no longer fits the model's context.*lower the answer length limit \(max tokens\), or raise the context size/);
    assert.deepEqual(error.optionsToChange, ['maxTokens', 'contextSize']);
  });
});
