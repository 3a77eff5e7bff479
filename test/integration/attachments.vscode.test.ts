// Images attached in the panel (paste, drop, picker all end in ChatController.attach): prepared as
// the model sees them (size, visual tokens, a warning when downscaling hurts), sent with the next
// question, refused with the reason when the model cannot see.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as vscode from 'vscode';
import type { HostMessage } from '../../src/core/protocol';
import { createTestImage } from '../fixtures/images';
import { glimpseApi } from './glimpseApi';


function workspacePath(name: string): string {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name).fsPath;
}

describe('Attached images (real extension host, real engine)', function () {
  this.timeout(120_000);

  it('a pasted image is prepared with its visual token count, then sent with the next question', async () => {
    const glimpse = await glimpseApi();
    const chat = glimpse.chat();
    chat.openPanel();
    const posted: HostMessage[] = [];
    const subscription = chat.onDidPost((m) => posted.push(m));
    try {
      await chat.attach([{ bytes: fs.readFileSync(workspacePath('quadrants.png')), label: 'pasted image.png' }]);
      const pending = posted.filter((m): m is Extract<HostMessage, { type: 'pendingImages' }> => m.type === 'pendingImages').at(-1);
      assert.equal(pending?.images.length, 1);
      const [view] = pending!.images;
      assert.equal(view.label, 'pasted image.png');
      assert.equal(view.tokens, 16, 'the tiny LLaVA projector takes (56/14)² = 16 tokens per image');
      assert.equal(view.warning, undefined, 'a 64×64 image is not downscaled enough to warn');

      const outcome = await chat.ask('');
      assert.equal(outcome.status, 'done', outcome.error);
      const lastUser = [...chat.turns].reverse().find((t) => t.role === 'user');
      assert.equal(lastUser?.images?.[0]?.label, 'pasted image.png');
      assert.equal(lastUser?.text, 'Explain this image.');
      assert.deepEqual(posted.filter((m) => m.type === 'pendingImages').at(-1), { type: 'pendingImages', images: [] }, 'sent images leave the composer');
    } finally {
      subscription.dispose();
    }
  });

  it('warns when the downscale will make small text unreadable', async () => {
    const chat = (await glimpseApi()).chat();
    const posted: HostMessage[] = [];
    const subscription = chat.onDidPost((m) => posted.push(m));
    try {
      const large = await createTestImage({ width: 2400, height: 1500, format: 'png', pattern: 'screenshot' });
      await chat.attach([{ bytes: large, label: 'large-screenshot.png' }]);
      const pending = posted.filter((m): m is Extract<HostMessage, { type: 'pendingImages' }> => m.type === 'pendingImages').at(-1);
      const view = pending?.images.at(-1);
      assert.equal(view?.width, 448, 'tiny LLaVA budget: 448 px long side');
      assert.equal(view?.originalWidth, 2400);
      assert.match(view?.warning ?? '', /small text may be unreadable/);
      await vscode.commands.executeCommand('glimpse.stopAnswer');
    } finally {
      subscription.dispose();
    }
  });

  it('a model without a projector refuses attachments with the reason, never dropping them silently', async () => {
    const chat = (await glimpseApi()).chat();
    const config = vscode.workspace.getConfiguration('glimpse');
    const mmprojPath = config.inspect<string>('mmprojPath')?.globalValue;
    await config.update('mmprojPath', '', vscode.ConfigurationTarget.Global);
    const posted: HostMessage[] = [];
    const subscription = chat.onDidPost((m) => posted.push(m));
    try {
      await chat.attach([{ path: workspacePath('photo.jpg') }]);
      const notice = posted.find((m): m is Extract<HostMessage, { type: 'notice' }> => m.type === 'notice');
      assert.equal(notice?.level, 'error');
      assert.match(notice?.text ?? '', /has no projector \(mmproj\), so it cannot see images/);
      assert.equal(posted.some((m) => m.type === 'pendingImages'), false, 'nothing was attached');
    } finally {
      subscription.dispose();
      await config.update('mmprojPath', mmprojPath, vscode.ConfigurationTarget.Global);
    }
  });
});
