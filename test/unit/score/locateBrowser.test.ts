// Finding a Chromium-family browser (src/core/score/locateBrowser.ts) on a pretend machine: the
// explicit setting, GLIMPSE_BROWSER, the install locations of each platform, PATH, and what is
// reported when nothing is found. Also: scoreMockup skips, with that reason, when there is none.

import assert from 'node:assert/strict';
import { locateBrowser, wellKnownBrowserPaths, type BrowserSearchHost } from '../../../src/core/score/locateBrowser';
import { scoreMockup } from '../../../src/core/score/scoreMockup';

function host(platform: NodeJS.Platform, executables: string[], env: NodeJS.ProcessEnv = {}): BrowserSearchHost & { asked: string[] } {
  const asked: string[] = [];
  return {
    platform,
    env,
    homedir: platform === 'win32' ? 'C:\\Users\\ada' : platform === 'darwin' ? '/Users/ada' : '/home/ada',
    asked,
    isExecutableFile: (candidate) => {
      asked.push(candidate);
      return executables.includes(candidate);
    },
  };
}

describe('locateBrowser', () => {
  it('uses the explicit path when it is an executable', () => {
    const result = locateBrowser('/opt/custom/chrome', host('linux', ['/opt/custom/chrome', '/usr/bin/chromium']));
    assert.deepEqual(result.found, { path: '/opt/custom/chrome', source: 'setting' });
  });

  it('reports a wrong explicit path instead of using another browser', () => {
    const result = locateBrowser('/opt/missing/chrome', host('linux', ['/usr/bin/chromium']));
    assert.equal(result.found, undefined);
    assert.ok(!result.found && result.reason.includes('The browser path you set is not an executable file: /opt/missing/chrome'), JSON.stringify(result));
    assert.deepEqual(result.found ? undefined : result.optionsToChange, ['browserPath']);
  });

  it('takes GLIMPSE_BROWSER before the usual places', () => {
    const result = locateBrowser(undefined, host('linux', ['/usr/local/bin/my-chrome', '/usr/bin/chromium'], { GLIMPSE_BROWSER: '/usr/local/bin/my-chrome' }));
    assert.deepEqual(result.found, { path: '/usr/local/bin/my-chrome', source: 'env' });
  });

  it('finds Debian chromium, and prefers chromium over Chrome when both are installed', () => {
    const result = locateBrowser('', host('linux', ['/usr/bin/google-chrome-stable', '/usr/bin/chromium']));
    assert.deepEqual(result.found, { path: '/usr/bin/chromium', source: 'well-known' });
  });

  it('finds a browser on PATH under one of the usual names', () => {
    const result = locateBrowser(undefined, host('linux', ['/home/ada/bin/brave-browser'], { PATH: '/home/ada/bin:/usr/bin' }));
    assert.deepEqual(result.found, { path: '/home/ada/bin/brave-browser', source: 'path' });
  });

  it('looks in the app bundles on macOS', () => {
    const edge = '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge';
    assert.deepEqual(locateBrowser(undefined, host('darwin', [edge])).found, { path: edge, source: 'well-known' });
    assert.ok(wellKnownBrowserPaths(host('darwin', [])).includes('/Users/ada/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'));
  });

  it('looks under Program Files and the user\'s AppData on Windows', () => {
    const env = { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)', LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' };
    const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
    assert.deepEqual(locateBrowser(undefined, host('win32', [edge], env)).found, { path: edge, source: 'well-known' });
    assert.ok(wellKnownBrowserPaths(host('win32', [], env)).includes('C:\\Users\\ada\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe'));
  });

  it('says where it looked when there is no browser', () => {
    const machine = host('linux', [], { PATH: '/usr/local/bin' });
    const result = locateBrowser(undefined, machine);
    assert.ok(!result.found);
    assert.match(result.reason, /No Chromium, Chrome, Edge or Brave was found/);
    assert.ok(result.looked.includes('/usr/bin/chromium') && result.looked.includes('/usr/local/bin/google-chrome'));
    assert.deepEqual(result.looked, machine.asked);
  });

  it('finds nothing when GLIMPSE_NO_BROWSER=1, without looking', () => {
    const machine = host('linux', ['/usr/bin/chromium'], { GLIMPSE_NO_BROWSER: '1' });
    const result = locateBrowser('/usr/bin/chromium', machine);
    assert.ok(!result.found && result.reason.includes('GLIMPSE_NO_BROWSER'));
    assert.deepEqual(machine.asked, []);
  });
});

describe('scoreMockup without a browser', () => {
  it('skips and says why', async () => {
    const result = await scoreMockup({
      mockup: Buffer.from('not even an image'),
      html: '<!doctype html><p>hi</p>',
      browserSearchHost: host('linux', [], { PATH: '' }),
    });
    assert.equal(result.skipped, true);
    assert.ok(result.skipped && result.reason.includes('No Chromium') && result.looked.includes('/usr/bin/chromium'));
  });

  it('skips, naming the browser path to fix, when the set browser is missing', async () => {
    const result = await scoreMockup({
      mockup: Buffer.alloc(0),
      html: '<p>hi</p>',
      browserPath: '/nowhere/chrome',
      browserSearchHost: host('linux', ['/usr/bin/chromium']),
    });
    assert.ok(result.skipped && result.reason.includes('The browser path you set'), JSON.stringify(result));
    assert.deepEqual(result.skipped ? result.optionsToChange : undefined, ['browserPath']);
  });
});
