// redactSecrets: what a server's text may carry of a credential, and what must stay readable.

import assert from 'node:assert/strict';
import { redactSecrets } from '../../../src/core/redact';
import { quoteServerText, requestSecrets, serverTextForLog } from '../../../src/core/openai/serverText';

describe('redactSecrets', () => {
  it('removes the request\'s own key wherever it appears, also URL-encoded and JSON-escaped', () => {
    const key = 'my/key+with"odd=chars-123';
    const text = `got ${key}; url ?k=${encodeURIComponent(key)}; json ${JSON.stringify(key)}`;
    const redacted = redactSecrets(text, [key]);
    assert.equal(redacted, 'got [redacted]; url ?k=[redacted]; json "[redacted]"');
  });

  it('replaces a short known key only where it stands alone, so the text stays readable', () => {
    assert.equal(redactSecrets('key k refused; keep looking', ['k']), 'key [redacted] refused; keep looking');
  });

  it('removes Bearer tokens, Authorization and api-key values in header, JSON, form and query style', () => {
    const cases: Array<[string, string]> = [
      ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer [redacted]'],
      ['"authorization":"Basic dXNlcjpwYXNz"', '"authorization":"Basic [redacted]"'],
      ['proxy-authorization: Digest xyz', 'proxy-authorization: Digest [redacted]'],
      ['sent bearer eyJhbGciOi.x.y', 'sent bearer [redacted]'],
      ['{"api_key": "s3cr3t-value"}', '{"api_key": "[redacted]"}'],
      ['api_key=s3cr3t&model=x', 'api_key=[redacted]&model=x'],
      ['X-Api-Key: abcdef', 'X-Api-Key: [redacted]'],
      ["{'access_token': 'tok123'}", "{'access_token': '[redacted]'}"],
      ['GET /v1/models?key=AIzaSomething&x=1', 'GET /v1/models?key=[redacted]&x=1'],
      ['password=hunter2', 'password=[redacted]'],
      ['"message":"echo {\\"api_key\\": \\"s3cr3t\\"}"', '"message":"echo {\\"api_key\\": \\"[redacted]\\"}"'],
    ];
    for (const [text, expected] of cases) assert.equal(redactSecrets(text), expected, text);
  });

  it('removes well-known key formats it was not told about', () => {
    const keys = [
      'sk-abcdefghijklmnopqrstuvwx', 'sk-proj-AAAABBBBCCCCDDDD1234', 'sk-ant-api03-abcdefghijklmnop', 'hf_abcdefghijklmnopqrstuvwxyz012345',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'AIzaSyA1234567890abcdefghijklmnopqrstu', 'AKIAABCDEFGHIJKLMNOP',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ];
    for (const key of keys) assert.equal(redactSecrets(`the key ${key} is invalid`), 'the key [redacted] is invalid', key);
  });

  it('leaves ordinary error text alone', () => {
    const texts = [
      'request (2063 tokens) exceeds the available context size (2048 tokens), try increasing it',
      'max_tokens must be at least 1',
      'The model `llava-13b` does not exist.',
      'authorization failed for this model',
      'task-1234 skipped',
    ];
    for (const text of texts) assert.equal(redactSecrets(text), text);
  });
});

describe('server text in messages and logs', () => {
  it('takes the API key and secret-looking header values as the request\'s secrets, not other headers', () => {
    assert.deepEqual(requestSecrets({ apiKey: 'k1', headers: { 'x-gateway-token': 'Bearer t2', 'x-team': 'vision', Cookie: 'c3' } }), ['k1', 't2', 'c3']);
  });

  it('quotes at most 500 characters on one line, redacted before it is cut', () => {
    const key = 'secret-key-which-is-long';
    // The key straddles the cut: cut first, its start would show.
    const quoted = quoteServerText(`${'a '.repeat(240)}${key}\n${'b'.repeat(1000)}`, [key]);
    assert.equal(quoted.length, 500);
    assert.ok(!quoted.includes('secret'), quoted);
    assert.match(quoted, /a \[redacted\] b+…$/);
    assert.equal(quoteServerText('short', [], { cut: true }), 'short…');
  });

  it('keeps at most 4096 characters for the log, saying how many were received', () => {
    const logged = serverTextForLog('x'.repeat(50_000));
    assert.ok(logged.startsWith('x'.repeat(4096) + '…'));
    assert.match(logged, /\(cut to 4096 of the 50,000 characters received\)$/);
    assert.equal(serverTextForLog('Bearer abcdefgh'), 'Bearer [redacted]');
  });
});
