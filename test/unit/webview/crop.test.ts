// Cropping a pending image in the chat view, in jsdom: the rectangle arithmetic, the Crop… button
// (emphasised under a warning), the dialog the host's preview fills, drawing / moving / resizing
// with the mouse (pointer events; jsdom has no PointerEvent, so these are MouseEvents of the
// pointer types) and the keyboard, and what Apply, Cancel, Escape and the host's answers do.

import assert from 'node:assert/strict';
import type { HostMessage, PendingImageView, PixelRect } from '../../../src/core/protocol';
import {
  cropReadout, initialCropRect, keyboardStep, moveRect, rectBetween, resizeRect, withMinimumSize,
} from '../../../src/webview/crop';
import { setUpChatView } from './chatViewHarness';

const thumbnail = 'data:image/png;base64,iVBORw0KGgo=';
const croppedThumbnail = 'data:image/png;base64,AAAA';
const preview = 'data:image/jpeg;base64,/9j/4AAQ';
const warning = 'Sent at 448×112 from 1600×400: small text may be unreadable. Crop it to the part that matters for a sharper view.';
const wide = (overrides: Partial<PendingImageView> = {}): PendingImageView => ({
  id: 'w1', label: 'wide.png', thumbnail, width: 448, height: 112, originalWidth: 1600, originalHeight: 400, tokens: 64, warning, ...overrides,
});
const source = (overrides: Partial<Extract<HostMessage, { type: 'cropSource' }>> = {}): HostMessage => ({
  type: 'cropSource', imageId: 'w1', preview, width: 1600, height: 400, budget: { maxLongSide: 448 }, ...overrides,
});
const size = { width: 1600, height: 400 };

describe('crop rectangle arithmetic', () => {
  it('rectBetween spans two points in either order, in whole pixels, inside the image', () => {
    assert.deepEqual(rectBetween({ x: 600.4, y: 300.2 }, { x: 200.7, y: 40.9 }, size), { x: 200, y: 40, width: 401, height: 261 });
    assert.deepEqual(rectBetween({ x: -50, y: -10 }, { x: 1700, y: 900 }, size), { x: 0, y: 0, width: 1600, height: 400 });
    assert.deepEqual(rectBetween({ x: 1600, y: 400 }, { x: 1600, y: 400 }, size), { x: 1599, y: 399, width: 1, height: 1 });
  });

  it('withMinimumSize grows to 16 px, towards the top-left at the far edges; a smaller image gets its own side', () => {
    assert.deepEqual(withMinimumSize({ x: 100, y: 100, width: 3, height: 40 }, size), { x: 100, y: 100, width: 16, height: 40 });
    assert.deepEqual(withMinimumSize({ x: 1599, y: 399, width: 1, height: 1 }, size), { x: 1584, y: 384, width: 16, height: 16 });
    assert.deepEqual(withMinimumSize({ x: 0, y: 5, width: 2, height: 2 }, { width: 40, height: 10 }), { x: 0, y: 0, width: 16, height: 10 });
  });

  it('moveRect stops at the edges; resizeRect keeps the top-left corner, the minimum and the image', () => {
    const rect = { x: 100, y: 100, width: 400, height: 200 };
    assert.deepEqual(moveRect(rect, -500, 16, size), { x: 0, y: 116, width: 400, height: 200 });
    assert.deepEqual(moveRect(rect, 5000, 5000, size), { x: 1200, y: 200, width: 400, height: 200 });
    assert.deepEqual(resizeRect(rect, 16, -16, size), { x: 100, y: 100, width: 416, height: 184 });
    assert.deepEqual(resizeRect(rect, -1000, 1000, size), { x: 100, y: 100, width: 16, height: 300 });
  });

  it('an arrow key moves 1% of the long side, at least a pixel', () => {
    assert.equal(keyboardStep(size), 16);
    assert.equal(keyboardStep({ width: 40, height: 30 }), 1);
  });

  it('starts with the largest centred part sent at full size, or the whole image when it fits the budget', () => {
    assert.deepEqual(initialCropRect(size, { maxLongSide: 448 }), { x: 576, y: 0, width: 448, height: 400 });
    assert.deepEqual(initialCropRect({ width: 300, height: 200 }, { maxLongSide: 448 }), { x: 0, y: 0, width: 300, height: 200 });
    const limited = initialCropRect({ width: 2000, height: 2000 }, { maxLongSide: 1000, maxPixels: 250_000 });
    assert.deepEqual(limited, { x: 750, y: 750, width: 500, height: 500 });
  });

  it('the readout says the size on the original and the size sent, warning when halved or worse', () => {
    const budget = { maxLongSide: 448 };
    assert.equal(cropReadout({ x: 0, y: 0, width: 400, height: 260 }, budget), '400 × 260 px of the original · sent at full size');
    assert.equal(cropReadout({ x: 0, y: 0, width: 800, height: 400 }, budget), '800 × 400 px of the original · sent as 448 × 224');
    assert.equal(cropReadout({ x: 0, y: 0, width: 1600, height: 400 }, budget), '1600 × 400 px of the original · sent as 448 × 112 (small text may be unreadable)');
  });
});

function setUp() {
  const harness = setUpChatView();
  const { dom, $, document } = harness;
  const dialog = () => $('.crop-overlay') as HTMLElement;
  const stage = () => $('.crop-stage') as HTMLElement;
  const picture = () => $('.crop-picture') as HTMLImageElement;
  const selection = () => $('.crop-selection') as HTMLElement;
  const readout = () => $('.crop-readout')?.textContent;
  const cropButton = () => $('.pending-images .crop-image') as HTMLButtonElement;
  const button = (selector: string) => $(selector) as HTMLButtonElement;
  /** The picture is laid out at (10, 20), 800×200 on screen: half the size of the 1600×400 original. */
  const layOut = () => {
    picture().getBoundingClientRect = () => ({ left: 10, top: 20, width: 800, height: 200, right: 810, bottom: 220, x: 10, y: 20, toJSON: () => ({}) }) as DOMRect;
  };
  const pointer = (type: string, clientX: number, clientY: number, target: Element = stage()) =>
    target.dispatchEvent(new dom.window.MouseEvent(type, { clientX, clientY, button: 0, bubbles: true, cancelable: true }));
  /** A mouse drag on screen, with a few moves in between. */
  const drag = (from: [number, number], to: [number, number], target: Element = stage()) => {
    pointer('pointerdown', from[0], from[1], target);
    for (const t of [0.25, 0.5, 1]) pointer('pointermove', from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t);
    pointer('pointerup', to[0], to[1]);
  };
  const press = (key: string, modifiers: { shiftKey?: boolean; altKey?: boolean } = {}, target: Element = document.activeElement ?? document.body) =>
    target.dispatchEvent(new dom.window.KeyboardEvent('keydown', { key, ...modifiers, bubbles: true, cancelable: true }));
  /** Attaches the wide image, opens its crop dialog and lets the host's preview arrive. */
  const openWithSource = (message: HostMessage = source()) => {
    harness.send({ type: 'pendingImages', images: [wide()] });
    cropButton().click();
    harness.send(message);
    layOut();
  };
  const cropsPosted = () => harness.posted.filter((m) => m.type === 'cropImage');
  return { ...harness, dialog, stage, picture, selection, readout, cropButton, button, pointer, drag, press, openWithSource, cropsPosted };
}

describe('chat view: cropping a pending image', () => {
  it('each pending image has a Crop… button, emphasised only when the warning shows', () => {
    const { send, document } = setUp();
    send({ type: 'pendingImages', images: [wide(), wide({ id: 'n1', label: 'small.png', warning: undefined, width: 300, height: 200, originalWidth: 300, originalHeight: 200 })] });
    const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('.pending-images .crop-image'));
    assert.deepEqual(buttons.map((b) => [b.textContent, b.getAttribute('aria-label')]), [['Crop…', 'Crop wide.png'], ['Crop…', 'Crop small.png']]);
    assert.equal(buttons[0].classList.contains('suggested'), true);
    assert.equal(buttons[0].classList.contains('primary-button'), true);
    assert.equal(buttons[1].classList.contains('suggested'), false);
    assert.equal(buttons[1].classList.contains('secondary-button'), true);
  });

  it('Crop… opens a modal dialog at once, asks the host for the preview, and waits for it', () => {
    const { send, cropButton, dialog, posted, button, document, stage, $ } = setUp();
    send({ type: 'pendingImages', images: [wide()] });
    assert.equal(dialog().hidden, true);
    cropButton().click();
    assert.deepEqual(posted, [{ type: 'openCrop', imageId: 'w1' }]);
    assert.equal(dialog().hidden, false);
    assert.equal(dialog().getAttribute('role'), 'dialog');
    assert.equal(dialog().getAttribute('aria-modal'), 'true');
    assert.equal(document.getElementById(dialog().getAttribute('aria-labelledby')!)?.textContent, 'Crop wide.png');
    assert.equal(($('.crop-loading') as HTMLElement).hidden, false);
    assert.equal(button('.crop-apply').disabled, true, 'nothing to apply before the preview came');
    assert.equal(document.activeElement, stage());
    assert.equal(stage().getAttribute('aria-busy'), 'true');
    assert.equal(($('.composer') as HTMLElement).hasAttribute('inert'), true, 'the rest of the panel is inert');
    assert.equal(($('.conversation') as HTMLElement).hasAttribute('inert'), true);
  });

  it('the host\'s preview fills the dialog: the picture, the starting rectangle and its readout', () => {
    const { openWithSource, picture, selection, readout, button, $, stage } = setUp();
    openWithSource();
    assert.equal(picture().getAttribute('src'), preview);
    assert.equal(picture().getAttribute('alt'), 'wide.png');
    assert.equal(($('.crop-loading') as HTMLElement).hidden, true);
    assert.equal(stage().hasAttribute('aria-busy'), false);
    assert.equal(button('.crop-apply').disabled, false);
    // 448×400 at (576, 0) of 1600×400.
    assert.equal(selection().hidden, false);
    assert.deepEqual([selection().style.left, selection().style.top, selection().style.width, selection().style.height], ['36%', '0%', '28%', '100%']);
    assert.equal(readout(), '448 × 400 px of the original · sent at full size');
    assert.equal($('.crop-readout')?.getAttribute('aria-live'), 'polite');
  });

  it('dragging on the picture draws a rectangle in pixels of the original; Apply posts it and marks the image', () => {
    const { openWithSource, drag, readout, button, cropsPosted, $, dialog, document, cropButton } = setUp();
    openWithSource();
    // Screen (110, 40) → original (200, 40); screen (310, 170) → original (600, 300).
    drag([110, 40], [310, 170]);
    assert.equal(readout(), '400 × 260 px of the original · sent at full size');
    button('.crop-apply').click();
    assert.deepEqual(cropsPosted(), [{ type: 'cropImage', imageId: 'w1', rect: { x: 200, y: 40, width: 400, height: 260 } }]);
    assert.equal(dialog().hidden, true);
    assert.equal($('.crop-picture')?.hasAttribute('src'), false, 'the preview is dropped when the dialog closes');
    assert.equal(($('.composer') as HTMLElement).hasAttribute('inert'), false);
    assert.equal($('.pending-images .image-caption')?.textContent, 'Cropping…');
    assert.equal($('.pending-image-item')?.getAttribute('aria-busy'), 'true');
    assert.equal(document.activeElement, cropButton(), 'focus goes back to the Crop button');
  });

  it('the host\'s new list replaces the image: new size, tokens, no warning; the mark and focus follow', () => {
    const { openWithSource, button, send, $, document, cropButton } = setUp();
    openWithSource();
    button('.crop-apply').click();
    send({ type: 'pendingImages', images: [wide({ label: 'wide.png (cropped)', thumbnail: croppedThumbnail, width: 448, height: 400, originalWidth: 448, originalHeight: 400, tokens: 256, warning: undefined })] });
    assert.equal($('.pending-images .image-caption')?.textContent, '448×400 · 256 tokens');
    assert.equal($('.pending-images .image-warning'), null);
    assert.equal($('.pending-image-item')?.hasAttribute('aria-busy'), false);
    assert.equal(cropButton().classList.contains('suggested'), false);
    assert.equal(document.activeElement, cropButton(), 'the redraw keeps the focus on the Crop button');
  });

  it('dragging inside the rectangle moves it; pulling a corner resizes it from the opposite corner', () => {
    const { openWithSource, drag, selection, $, pointer, readout } = setUp();
    openWithSource();
    drag([110, 40], [310, 170]); // (200, 40) 400×260
    drag([210, 100], [260, 110], selection()); // grabbed inside: moved by (+100, +20) in the original
    pointer('pointerdown', 0, 0, $('.crop-handle-se')!); // the south-east handle: anchored at (300, 60)
    pointer('pointermove', 410, 170);
    pointer('pointerup', 410, 170); // → (800, 300)
    assert.equal(readout(), '500 × 240 px of the original · sent as 448 × 215');
    assert.deepEqual([selection().style.left, selection().style.top], ['18.75%', '15%']);
  });

  it('a click without a drag keeps the rectangle; a tiny drag grows to the minimum size', () => {
    const { openWithSource, pointer, readout, drag } = setUp();
    openWithSource();
    pointer('pointerdown', 50, 50);
    pointer('pointerup', 51, 50);
    assert.equal(readout(), '448 × 400 px of the original · sent at full size');
    drag([50, 50], [53, 50]); // 6×1 px of the original
    assert.equal(readout(), '16 × 16 px of the original · sent at full size');
  });

  it('keyboard: arrows move, Shift+arrows resize, Alt for one pixel, Enter applies', () => {
    const { openWithSource, press, readout, cropsPosted, selection } = setUp();
    openWithSource();
    press('ArrowLeft');
    press('ArrowLeft');
    assert.equal(selection().style.left, '34%', '(576 − 2 × 16) / 1600');
    press('ArrowDown', { shiftKey: true }); // height already the image's: stays
    press('ArrowLeft', { shiftKey: true });
    press('ArrowLeft', { shiftKey: true, altKey: true });
    assert.equal(readout(), '431 × 400 px of the original · sent at full size');
    press('ArrowUp', { shiftKey: true });
    press('Enter');
    assert.deepEqual(cropsPosted(), [{ type: 'cropImage', imageId: 'w1', rect: { x: 544, y: 0, width: 431, height: 384 } }]);
  });

  it('Escape and Cancel close without cropping; Escape does not also stop the answer', () => {
    const { openWithSource, press, send, dialog, posted, button, cropButton, document, cropsPosted } = setUp();
    send({ type: 'busy', busy: true });
    openWithSource();
    press('Escape');
    assert.equal(dialog().hidden, true);
    assert.equal(posted.some((m) => m.type === 'stop'), false);
    assert.equal(document.activeElement, cropButton());
    cropButton().click();
    send(source());
    button('.crop-cancel').click();
    assert.equal(dialog().hidden, true);
    assert.deepEqual(cropsPosted(), []);
  });

  it('Tab stays inside the dialog', () => {
    const { openWithSource, press, document, stage, button } = setUp();
    openWithSource();
    assert.equal(document.activeElement, stage());
    press('Tab');
    assert.equal(document.activeElement, button('.crop-whole'));
    press('Tab');
    press('Tab');
    assert.equal(document.activeElement, button('.crop-apply'));
    press('Tab');
    assert.equal(document.activeElement, stage());
    press('Tab', { shiftKey: true });
    assert.equal(document.activeElement, button('.crop-apply'));
  });

  it('an image already cropped opens on its crop; applying it unchanged posts nothing; Whole image undoes it', () => {
    const { openWithSource, button, readout, cropsPosted, dialog, cropButton, send } = setUp();
    const crop: PixelRect = { x: 100, y: 50, width: 400, height: 300 };
    openWithSource(source({ crop }));
    assert.equal(readout(), '400 × 300 px of the original · sent at full size');
    button('.crop-apply').click();
    assert.deepEqual(cropsPosted(), []);
    assert.equal(dialog().hidden, true);

    cropButton().click();
    send(source({ crop }));
    button('.crop-whole').click();
    assert.equal(readout(), '1600 × 400 px of the original · sent as 448 × 112 (small text may be unreadable)');
    button('.crop-apply').click();
    assert.deepEqual(cropsPosted(), [{ type: 'cropImage', imageId: 'w1', rect: { x: 0, y: 0, width: 1600, height: 400 } }]);
  });

  it('the host\'s refusal closes the dialog and says why; the image is shown as it was', () => {
    const { openWithSource, button, send, dialog, $ } = setUp();
    openWithSource();
    button('.crop-apply').click();
    assert.equal($('.pending-images .image-caption')?.textContent, 'Cropping…');
    send({ type: 'cropRefused', imageId: 'w1', text: 'wide.png was not found. Attach it again.' });
    assert.equal($('.pending-images .image-caption')?.textContent, '448×112 · 64 tokens');
    assert.equal($('.notice-text')?.textContent, 'wide.png was not found. Attach it again.');
    assert.equal(dialog().hidden, true);

    ($('.pending-images .crop-image') as HTMLButtonElement).click();
    send({ type: 'cropRefused', imageId: 'w1', text: 'Could not read it.' });
    assert.equal(dialog().hidden, true, 'a refused preview closes the dialog too');
  });

  it('a preview for another image is ignored; the image leaving the composer closes the dialog', () => {
    const { send, cropButton, picture, dialog, document, textarea } = setUp();
    send({ type: 'pendingImages', images: [wide()] });
    cropButton().click();
    send(source({ imageId: 'other' }));
    assert.equal(picture().hasAttribute('src'), false);
    send({ type: 'pendingImages', images: [] });
    assert.equal(dialog().hidden, true);
    assert.equal(document.activeElement, textarea());
  });

  it('the preview never goes into the saved state', () => {
    const { openWithSource, saved, button } = setUp();
    openWithSource();
    button('.crop-apply').click();
    assert.equal(JSON.stringify(saved).includes('base64'), false);
  });
});
