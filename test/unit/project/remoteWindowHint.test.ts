// In a remote window the "no model" message says where the model settings are read from.

import assert from 'node:assert/strict';
import { remoteWindowHint } from '../../../src/vscode/remoteWindowHint';

describe('remote window hint', () => {
  it('is empty in a local window', () => {
    assert.equal(remoteWindowHint(undefined), '');
  });

  it('names the remote and the remote settings in a remote window', () => {
    const hint = remoteWindowHint('ssh-remote');
    assert.match(hint, /remote window \(ssh-remote\)/);
    assert.match(hint, /Open Remote Settings/);
    assert.match(hint, /not from your local User settings/);
  });
});
