// Getting images into the chat view, in jsdom: pasted and dropped image files become attachImage
// messages (over-size ones a notice instead), the host's pendingImages become a strip with
// remove buttons and what the model will see, and notices show above the composer.
// jsdom has no ClipboardEvent, DragEvent or DataTransfer: the events here are plain Events with
// a fake clipboardData / dataTransfer holding real jsdom Files.

import assert from 'node:assert/strict';
import { maxAttachmentBytes } from '../../../src/core/protocol';
import type { PendingImageView } from '../../../src/core/protocol';
import { setUpChatView } from './chatViewHarness';

/** The PNG signature: base64 "iVBORw0KGgo=". */
const pngBytes = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const thumbnail = 'data:image/png;base64,iVBORw0KGgo=';
const pending = (id: string, overrides: Partial<PendingImageView> = {}): PendingImageView => ({
  id, label: `${id}.png`, thumbnail, width: 896, height: 672, originalWidth: 2688, originalHeight: 2016, ...overrides,
});

function setUp() {
  const harness = setUpChatView();
  const { dom } = harness;
  const file = (bytes: number[], name: string, type: string) => new dom.window.File([new Uint8Array(bytes)], name, { type });
  /** What ClipboardEvent.clipboardData / DragEvent.dataTransfer offer: files as items and as `files`, plus text items. */
  const transfer = (files: File[], text?: string) => ({
    types: [...(files.length > 0 ? ['Files'] : []), ...(text === undefined ? [] : ['text/plain'])],
    items: [
      ...(text === undefined ? [] : [{ kind: 'string', type: 'text/plain', getAsFile: () => null }]),
      ...files.map((f) => ({ kind: 'file', type: f.type, getAsFile: () => f })),
    ],
    files,
  });
  const fire = (target: EventTarget, type: string, fields: Record<string, unknown>) => {
    const event = new dom.window.Event(type, { bubbles: true, cancelable: true });
    for (const [key, value] of Object.entries(fields)) Object.defineProperty(event, key, { value });
    target.dispatchEvent(event);
    return event;
  };
  const paste = (target: EventTarget, clipboardData: unknown) => fire(target, 'paste', { clipboardData });
  const drag = (type: string, dataTransfer: unknown, shiftKey = false) => fire(harness.document.body, type, { dataTransfer, shiftKey });
  const notice = () => harness.$('.notice') as HTMLElement | null;
  const hint = () => harness.$('.drop-hint') as HTMLElement;
  return { ...harness, file, transfer, paste, drag, notice, hint };
}

/** Waits (a few event-loop turns at most) for the FileReader to finish and the message to be posted. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 200 && !condition(); turn++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), 'timed out');
}

/** Gives a pending read time to finish, for tests that check nothing was posted. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('chat view: images in', () => {
  it('a pasted image file is posted as attachImage with its bytes as base64, from the box or from anywhere', async () => {
    const { file, transfer, paste, textarea, document, posted } = setUp();
    const event = paste(textarea(), transfer([file(pngBytes, 'login.png', 'image/png')]));
    assert.equal(event.defaultPrevented, true, 'the image does not also paste into the box');
    await waitFor(() => posted.length === 1);
    assert.deepEqual(posted, [{ type: 'attachImage', name: 'login.png', mimeType: 'image/png', dataBase64: 'iVBORw0KGgo=' }]);

    paste(document.body, transfer([file([1, 2, 3], '', 'image/jpeg')]));
    await waitFor(() => posted.length === 2);
    assert.deepEqual(posted[1], { type: 'attachImage', name: 'pasted image.jpeg', mimeType: 'image/jpeg', dataBase64: 'AQID' });
  });

  it('a screenshot listed both as an item and in files is attached once', async () => {
    const { file, paste, document, posted } = setUp();
    const screenshot = file(pngBytes, 'image.png', 'image/png');
    paste(document.body, { types: ['Files'], items: [{ kind: 'file', type: 'image/png', getAsFile: () => screenshot }], files: [screenshot] });
    await waitFor(() => posted.length === 1);
    await settle();
    assert.equal(posted.length, 1);
  });

  it('an over-size pasted image posts nothing and says why in the composer', async () => {
    const { file, transfer, paste, textarea, posted, notice } = setUp();
    const huge = file(pngBytes, 'scan.png', 'image/png');
    Object.defineProperty(huge, 'size', { value: maxAttachmentBytes + 1_500_000 });
    const event = paste(textarea(), transfer([huge]));
    await settle();
    assert.deepEqual(posted, []);
    assert.equal(event.defaultPrevented, true);
    assert.equal(notice()?.querySelector('.notice-text')?.textContent, 'scan.png is 21.5 MB; the limit is 20 MB. Crop or downscale it first.');
    assert.equal(notice()?.getAttribute('role'), 'alert');
  });

  it('an image just over the limit never reads as the limit itself', async () => {
    const { file, transfer, paste, document, notice } = setUp();
    const huge = file(pngBytes, 'big.png', 'image/png');
    Object.defineProperty(huge, 'size', { value: maxAttachmentBytes + 1 });
    paste(document.body, transfer([huge]));
    assert.match(notice()?.querySelector('.notice-text')?.textContent ?? '', /^big\.png is 20\.1 MB; the limit is 20 MB\./);
  });

  it('a text paste posts nothing and is left to the box', async () => {
    const { transfer, paste, textarea, posted, notice } = setUp();
    const event = paste(textarea(), transfer([], 'What is this?'));
    await settle();
    assert.deepEqual(posted, []);
    assert.equal(event.defaultPrevented, false);
    assert.equal(notice(), null);
  });

  it('a pasted non-image file is ignored, not refused', async () => {
    const { file, transfer, paste, document, posted, notice } = setUp();
    const event = paste(document.body, transfer([file([1], 'notes.txt', 'text/plain')]));
    await settle();
    assert.deepEqual(posted, []);
    assert.equal(event.defaultPrevented, false);
    assert.equal(notice(), null);
  });

  it('dragging files over the panel shows the Shift hint; leaving or dropping hides it', async () => {
    const { file, transfer, drag, hint, $, posted } = setUp();
    assert.equal(hint().hidden, true);
    const files = transfer([file(pngBytes, 'mockup.png', 'image/png')]);
    assert.equal(drag('dragenter', files).defaultPrevented, true);
    assert.equal(hint().hidden, false);
    assert.equal(hint().textContent, 'Hold Shift to drop the image here');
    assert.equal($('.drop-zone')?.getAttribute('aria-live'), 'polite');
    drag('dragenter', files);
    drag('dragleave', files);
    assert.equal(hint().hidden, false, 'leaving a child element is not leaving the panel');
    drag('dragleave', files);
    assert.equal(hint().hidden, true);

    drag('dragenter', files);
    assert.equal(drag('dragover', files, true).defaultPrevented, true, 'dragover is cancelled so the drop reaches the page');
    assert.equal(hint().textContent, 'Drop to attach the image');
    const drop = drag('drop', files, true);
    assert.equal(drop.defaultPrevented, true, 'the webview does not navigate to the file');
    assert.equal(hint().hidden, true);
    await waitFor(() => posted.length === 1);
    assert.deepEqual(posted, [{ type: 'attachImage', name: 'mockup.png', mimeType: 'image/png', dataBase64: 'iVBORw0KGgo=' }]);
  });

  it('a drop refuses over-size and non-image files by name and attaches the rest', async () => {
    const { file, transfer, drag, posted, notice } = setUp();
    const huge = file(pngBytes, 'scan.png', 'image/png');
    Object.defineProperty(huge, 'size', { value: 25 * 1024 * 1024 });
    drag('drop', transfer([file([1], 'notes.txt', 'text/plain'), huge, file(pngBytes, 'ok.png', 'image/png')]), true);
    await waitFor(() => posted.length === 1);
    assert.equal(posted[0].type === 'attachImage' && posted[0].name, 'ok.png');
    assert.match(notice()?.textContent ?? '', /notes\.txt is not an image; only images can be attached\. scan\.png is 25\.0 MB; the limit is 20 MB\./);
  });

  it('dragging text shows no hint and leaves the drop alone', () => {
    const { transfer, drag, hint } = setUp();
    const text = transfer([], 'some words');
    assert.equal(drag('dragenter', text).defaultPrevented, false);
    assert.equal(hint().hidden, true);
    assert.equal(drag('drop', text).defaultPrevented, false);
  });

  it('the attach button posts pickImages', () => {
    const { $, posted } = setUp();
    const button = $('.attach-button') as HTMLButtonElement;
    assert.equal(button.getAttribute('aria-label'), 'Attach image');
    button.click();
    assert.deepEqual(posted, [{ type: 'pickImages' }]);
  });

  it('pendingImages draws thumbnails with size, tokens and warning; remove posts removeImage; empty hides the strip', () => {
    const { $, send, document, posted } = setUp();
    const strip = () => $('.pending-images') as HTMLElement;
    assert.equal(strip().hidden, true);
    const warning = 'Small text will likely be unreadable at 896×672; crop to the part you ask about.';
    send({ type: 'pendingImages', images: [pending('login', { tokens: 1024 }), pending('dashboard', { tokens: 1024, warning })] });
    assert.equal(strip().hidden, false);
    const figures = Array.from(document.querySelectorAll<HTMLElement>('.pending-images figure'));
    assert.deepEqual(figures.map((figure) => figure.querySelector('img')?.getAttribute('alt')), ['login.png', 'dashboard.png']);
    assert.equal(figures[0].querySelector('img')?.getAttribute('src'), thumbnail);
    assert.deepEqual(figures.map((figure) => figure.querySelector('.image-caption')?.textContent), ['896×672 · 1024 tokens', '896×672 · 1024 tokens']);
    assert.equal(figures[0].querySelector('.image-warning'), null);
    assert.equal(figures[0].classList.contains('has-warning'), false);
    assert.equal(figures[1].querySelector('.image-warning')?.textContent, warning);
    assert.equal(figures[1].classList.contains('has-warning'), true);

    const removes = Array.from(document.querySelectorAll<HTMLButtonElement>('.pending-images .remove-image'));
    assert.deepEqual(removes.map((button) => button.getAttribute('aria-label')), ['Remove login.png', 'Remove dashboard.png']);
    removes[1].click();
    assert.deepEqual(posted, [{ type: 'removeImage', id: 'dashboard' }]);

    send({ type: 'pendingImages', images: [pending('login')] });
    assert.equal($('.pending-images .image-caption')?.textContent, '896×672', 'no tokens when the host could not predict them');
    send({ type: 'pendingImages', images: [] });
    assert.equal(strip().hidden, true);
    assert.equal(document.querySelectorAll('.pending-images figure').length, 0);
  });

  it('removing an image moves focus to its neighbour, and to the box when none is left', () => {
    const { $, send, document, textarea } = setUp();
    send({ type: 'pendingImages', images: [pending('a'), pending('b')] });
    ($('[aria-label="Remove b.png"]') as HTMLButtonElement).focus();
    ($('[aria-label="Remove b.png"]') as HTMLButtonElement).click();
    send({ type: 'pendingImages', images: [pending('a')] });
    assert.equal(document.activeElement?.getAttribute('aria-label'), 'Remove a.png');
    ($('[aria-label="Remove a.png"]') as HTMLButtonElement).click();
    send({ type: 'pendingImages', images: [] });
    assert.equal(document.activeElement, textarea());
  });

  it('Send is enabled with only pending images and posts an empty question; with neither it is disabled', () => {
    const { $, send, key, textarea, posted, dom } = setUp();
    const sendButton = () => $('.send-button') as HTMLButtonElement;
    assert.equal(sendButton().disabled, true);
    textarea().value = 'Why?';
    textarea().dispatchEvent(new dom.window.Event('input', { bubbles: true }));
    assert.equal(sendButton().disabled, false);
    textarea().value = '   ';
    textarea().dispatchEvent(new dom.window.Event('input', { bubbles: true }));
    assert.equal(sendButton().disabled, true);

    send({ type: 'pendingImages', images: [pending('login')] });
    assert.equal(sendButton().disabled, false);
    sendButton().click();
    const asked = () => posted.filter((m) => m.type !== 'draft');
    assert.deepEqual(asked(), [{ type: 'ask', text: '' }]);
    send({ type: 'busy', busy: true }, { type: 'pendingImages', images: [] }, { type: 'busy', busy: false });
    assert.equal(sendButton().disabled, true);
    key({ key: 'Enter' });
    assert.equal(asked().length, 1, 'nothing to send');
  });

  it('notices: status for info, alert for errors, each replacing the last, dismissible, cleared by sending', () => {
    const { $, send, document, textarea, key, notice } = setUp();
    send({ type: 'notice', level: 'info', text: 'The model is loading; the image will be prepared when it is ready.' });
    assert.equal(notice()?.getAttribute('role'), 'status');
    assert.equal($('.notice-text')?.textContent, 'The model is loading; the image will be prepared when it is ready.');
    send({ type: 'notice', level: 'warning', text: 'Heads up.' });
    assert.equal(notice()?.getAttribute('role'), 'status');
    send({ type: 'notice', level: 'error', text: 'Gemma 3 4B cannot see images.' });
    assert.equal(document.querySelectorAll('.notice').length, 1);
    assert.equal(notice()?.getAttribute('role'), 'alert');
    assert.equal(notice()?.classList.contains('notice-error'), true);
    assert.equal($('.notice-text')?.textContent, 'Gemma 3 4B cannot see images.');
    ($('.notice-dismiss') as HTMLButtonElement).click();
    assert.equal(notice(), null);

    send({ type: 'notice', level: 'error', text: 'Refused.' });
    textarea().value = 'Next question';
    key({ key: 'Enter' });
    assert.equal(notice(), null);
  });

  it('a user turn\'s image caption shows its tokens and the warning', () => {
    const { $, send } = setUp();
    const warning = 'Small text will likely be unreadable.';
    send({ type: 'turnAdded', turn: { id: 'u1', role: 'user', text: 'What is this?', images: [{ label: 'login.png', thumbnail, width: 896, height: 672, originalWidth: 2688, originalHeight: 2016, tokens: 1024, warning }] } });
    assert.equal($('.turn-user .image-caption')?.textContent, '896×672 sent (from 2688×2016) · 1024 tokens');
    assert.equal($('.turn-user .image-warning')?.textContent, warning);
    assert.equal($('.turn-user figure')?.classList.contains('has-warning'), true);
  });
});
