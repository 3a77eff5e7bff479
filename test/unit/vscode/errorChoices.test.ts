// The one mapping from an error to the actions the extension offers: what a notification shows,
// and what the chat panel shows under a failed answer (only the actions its protocol carries).

import assert from 'node:assert/strict';
import { GlimpseError, type GlimpseErrorCode } from '../../../src/core/errors';
import { parseHostMessage } from '../../../src/core/protocol';
import type { UserOption } from '../../../src/core/userOptions';
import { choicesFor, notificationChoicesFor, panelActionsFor } from '../../../src/vscode/errorChoices';

function failure(code: GlimpseErrorCode, optionsToChange: UserOption[] = []): GlimpseError {
  return new GlimpseError(code, 'What happened.', { optionsToChange });
}

describe('error actions', () => {
  it('no engine: Get the Engine first, then its setting and the log', () => {
    const noEngine = failure('engine-not-found', ['serverPath']);
    assert.deepEqual(choicesFor(noEngine), ['getEngine', 'openSettings', 'showLog']);
    assert.deepEqual(panelActionsFor(noEngine), ['getEngine', 'openSettings', 'showLog']);
  });

  it('no model: Manage Models in a notification; the panel keeps to the actions its protocol has', () => {
    const noModel = failure('model-not-configured');
    assert.deepEqual(notificationChoicesFor(noModel, false), ['manageModels', 'openSettings', 'showLog']);
    assert.deepEqual(panelActionsFor(noModel), ['openSettings', 'showLog']);
    assert.deepEqual(notificationChoicesFor(failure('model-no-vision', ['mmprojPath']), false), ['manageModels', 'openSettings', 'showLog']);
  });

  it('a wrong remote address or key offers Set Up Remote Server', () => {
    assert.deepEqual(choicesFor(failure('remote-unauthorized')), ['setUpRemote', 'openSettings', 'showLog']);
    assert.deepEqual(choicesFor(failure('remote-invalid-url')), ['setUpRemote', 'openSettings', 'showLog']);
    assert.deepEqual(choicesFor(failure('remote-timeout')), ['retry', 'showLog']);
  });

  it('a failed request offers Retry, and a notification only when it can retry', () => {
    const failed = failure('engine-request-failed');
    assert.deepEqual(panelActionsFor(failed), ['retry', 'showLog']);
    assert.deepEqual(notificationChoicesFor(failed, false), ['showLog']);
    assert.deepEqual(notificationChoicesFor(failed, true), ['retry', 'showLog']);
  });

  it('an error that names an option offers Open Settings, even one whose message says all else', () => {
    assert.deepEqual(choicesFor(failure('engine-exited', ['serverPath'])), ['retry', 'openSettings', 'showLog']);
    assert.deepEqual(choicesFor(failure('image-too-large-file', ['maxImageMegabytes'])), ['openSettings']);
    assert.deepEqual(choicesFor(failure('image-too-large-file')), []);
    assert.deepEqual(choicesFor(failure('image-corrupt')), []);
    assert.deepEqual(choicesFor(failure('cancelled')), []);
  });

  it('what the panel gets passes the panel protocol\'s own check', () => {
    const codes: GlimpseErrorCode[] = ['model-not-configured', 'model-no-vision', 'engine-not-found', 'remote-unauthorized', 'engine-exited', 'context-full', 'internal'];
    for (const code of codes) {
      const actions = panelActionsFor(failure(code, ['serverPath']));
      const parsed = parseHostMessage({ type: 'answerEnded', turnId: 't', status: 'error', error: 'x', actions });
      assert.ok(parsed.ok, `${code}: ${JSON.stringify(actions)}`);
    }
  });
});
