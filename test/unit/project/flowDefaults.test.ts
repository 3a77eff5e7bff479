// The extension's settings default to the core flows' defaults, so a user who changes nothing gets
// what the CLI gives: read from package.json, compared with the constants the flows use.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { explainDefaults } from '../../../src/core/chat/explainImage';
import { mockupDefaults } from '../../../src/core/mockup/runMockup';

const repoRoot = path.resolve(__dirname, '../../../..');

function settingDefault(key: string): unknown {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
  for (const section of sections) {
    if (key in section.properties) return section.properties[key].default;
  }
  assert.fail(`package.json declares no setting ${key}`);
}

describe('settings defaults and the core flows', () => {
  it('the answer length and temperature default to the explain flow\'s', () => {
    assert.equal(settingDefault('glimpse.maxTokens'), explainDefaults.maxTokens);
    assert.equal(settingDefault('glimpse.temperature'), explainDefaults.temperature);
  });

  it('the mockup settings default to the mockup flow\'s, and the temperature is shared', () => {
    assert.equal(settingDefault('glimpse.mockup.maxTokens'), mockupDefaults.maxTokens);
    assert.equal(settingDefault('glimpse.mockup.twoStep'), mockupDefaults.twoStep);
    assert.equal(mockupDefaults.temperature, explainDefaults.temperature, 'one glimpse.temperature serves both flows');
  });

  it('the context size defaults to automatic (the catalog\'s context for the model)', () => {
    assert.equal(settingDefault('glimpse.contextSize'), 0);
  });
});
