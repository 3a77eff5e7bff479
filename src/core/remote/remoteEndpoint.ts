// Checks and normalises the base URL of a team's remote OpenAI-compatible server. Only http(s);
// plain http only to this machine (loopback) unless the user confirms it, because the API key and
// every image would otherwise cross the network in clear. The result is the address before /v1,
// the form the client and the capability probe expect.

import { GlimpseError } from '../errors';

export interface RemoteUrlOptions {
  /** The user confirmed plain http to a host that is not this machine. */
  readonly allowInsecure?: boolean;
}

/**
 * The normalised base URL (no trailing slash, no trailing /v1 or /v1/chat/completions), or a
 * GlimpseError: 'remote-invalid-url' for something that is not an http(s) URL, 'remote-insecure-url'
 * for plain http to another machine without `allowInsecure`.
 */
export function validateRemoteBaseUrl(raw: string, options: RemoteUrlOptions = {}): string {
  const input = raw.trim();
  if (input && !/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    const guess = URL.canParse(`https://${input}`) ? ` did you mean https://${input}?` : ' enter one like https://gpu.example.com:8080.';
    throw new GlimpseError('remote-invalid-url', `"${input}" has no http:// or https:// in front:${guess}`);
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new GlimpseError('remote-invalid-url', `"${input}" is not a server address. Enter one like https://gpu.example.com:8080 (the part before /v1).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GlimpseError('remote-invalid-url', `"${input}" uses ${url.protocol.replace(/:$/, '')}; a remote server must be reached over https:// (or http:// on a network you trust).`);
  }
  if (url.username || url.password) {
    throw new GlimpseError('remote-invalid-url', `The address "${url.host}" carries a user name or password. Remove them from the address and put the key in the API key setting instead, which is stored as a secret.`);
  }
  if (url.search || url.hash) {
    throw new GlimpseError('remote-invalid-url', `The address "${input}" has a query or fragment (the part after ? or #). Enter only the server's base address, like https://gpu.example.com:8080.`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !options.allowInsecure) {
    throw new GlimpseError(
      'remote-insecure-url',
      `${url.origin} uses plain http: the API key, your prompts and your images would cross the network unencrypted. ` +
        'Use an https:// address if the server has one; otherwise confirm that you want to allow plain http for this server (only on a network you trust).',
    );
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/chat\/completions$/, '').replace(/\/v1$/, '').replace(/\/+$/, '');
  return `${url.origin}${path}`;
}

/** This machine: localhost, 127.0.0.0/8, ::1 (and its IPv4-mapped form). `hostname` as URL gives it. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (host === 'localhost') return true;
  if (host === '::1') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return host.split('.').every((part) => Number(part) <= 255);
  // URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1; 127.x.y.z is 7fxx:xxxx.
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
