// Remote base URLs: what is refused (not http(s), credentials, plain http to another machine
// unless confirmed) and how an accepted one is normalised (the address before /v1).

import assert from 'node:assert/strict';
import { GlimpseError } from '../../../src/core/errors';
import { isLoopbackHost, validateRemoteBaseUrl } from '../../../src/core/remote/remoteEndpoint';

function refusal(raw: string, allowInsecure = false): GlimpseError {
  try {
    validateRemoteBaseUrl(raw, { allowInsecure });
  } catch (error) {
    assert.ok(error instanceof GlimpseError);
    return error;
  }
  assert.fail(`${raw} was accepted`);
}

describe('remote base URL', () => {
  for (const [raw, expected] of [
    ['https://gpu.example.com', 'https://gpu.example.com'],
    ['https://gpu.example.com/', 'https://gpu.example.com'],
    ['https://gpu.example.com:8443/v1', 'https://gpu.example.com:8443'],
    ['https://gpu.example.com/v1/', 'https://gpu.example.com'],
    ['  https://GPU.example.com/v1/chat/completions  ', 'https://gpu.example.com'],
    ['https://gateway.example.com/teams/vision/v1', 'https://gateway.example.com/teams/vision'],
    ['https://gateway.example.com/v1beta', 'https://gateway.example.com/v1beta'],
    ['http://127.0.0.1:8080/v1', 'http://127.0.0.1:8080'],
    ['http://localhost:11434', 'http://localhost:11434'],
    ['http://[::1]:8000/', 'http://[::1]:8000'],
    ['http://127.8.9.10:8000', 'http://127.8.9.10:8000'],
  ] as const) {
    it(`accepts ${JSON.stringify(raw)} as ${expected}`, () => {
      assert.equal(validateRemoteBaseUrl(raw), expected);
    });
  }

  it('refuses plain http to another machine, saying the user may allow it', () => {
    const error = refusal('http://gpu.lan:8080/v1');
    assert.equal(error.code, 'remote-insecure-url');
    assert.match(error.message, /http:\/\/gpu\.lan:8080 uses plain http.*API key.*unencrypted.*https:\/\/.*confirm that you want to allow plain http/);
  });

  it('refuses plain http to an address that only looks local', () => {
    assert.equal(refusal('http://127.0.0.1.example.com').code, 'remote-insecure-url');
    assert.equal(refusal('http://localhost.example.com').code, 'remote-insecure-url');
    assert.equal(refusal('http://10.0.0.5:8080').code, 'remote-insecure-url');
  });

  it('accepts plain http to another machine once the user allowed it', () => {
    assert.equal(validateRemoteBaseUrl('http://gpu.lan:8080/v1/', { allowInsecure: true }), 'http://gpu.lan:8080');
  });

  it('refuses what is not an http(s) URL, a URL with credentials, and one with a query', () => {
    const noScheme = refusal('gpu.example.com:8080');
    assert.equal(noScheme.code, 'remote-invalid-url');
    assert.match(noScheme.message, /did you mean https:\/\/gpu\.example\.com:8080\?/);
    assert.equal(refusal('not a url').code, 'remote-invalid-url');
    assert.match(refusal('ftp://gpu.example.com').message, /uses ftp; .*https:\/\//);
    const credentials = refusal('https://me:hunter2@gpu.example.com');
    assert.equal(credentials.code, 'remote-invalid-url');
    assert.match(credentials.message, /API key setting/);
    assert.doesNotMatch(credentials.message, /hunter2/, 'the password is not repeated in the message');
    assert.equal(refusal('https://gpu.example.com/?key=abc').code, 'remote-invalid-url');
  });

  it('knows which hosts are this machine', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.255.255.254', '[::1]', '::1', '[::ffff:7f00:1]']) assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['128.0.0.1', '127.0.0.256', '::2', 'example.com', '0.0.0.0', '[::ffff:a00:1]']) assert.equal(isLoopbackHost(host), false, host);
  });
});
