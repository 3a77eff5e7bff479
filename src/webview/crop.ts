// The crop dialog of the chat panel: a pending image shown large (the host's preview of the whole
// original), a rectangle to draw, move or resize with the mouse (pointer events) or the keyboard,
// a live readout of its size in pixels of the original and of the size the model will be sent, and
// Apply / Cancel. Rectangles are whole pixels of the original as displayed (the protocol's
// PixelRect); the preview is only a picture of it, held while the dialog is open and dropped when
// it closes (never in the webview's saved state). Positions are set through the CSSOM
// (element.style), which the panel's CSP allows, unlike style attributes.

import { fitWithinBudget } from '../core/images/budget';
import type { ImageBudget, ImageSize } from '../core/images/budget';
import { minCropSide } from '../core/protocol';
import type { HostMessage, PendingImageView, PixelRect } from '../core/protocol';
import { createElement } from './dom';

type CropSource = Extract<HostMessage, { type: 'cropSource' }>;

/** A point on the original, in (fractional) pixels. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

// ---- rectangle arithmetic, in pixels of the original ----

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** The smallest rectangle the dialog draws: minCropSide, or the image's side when that is smaller. */
export function minimumCropSize(size: ImageSize): ImageSize {
  return { width: Math.min(minCropSide, size.width), height: Math.min(minCropSide, size.height) };
}

/** The whole-pixel rectangle spanned by two points (in any order), inside the image, at least one pixel. */
export function rectBetween(a: Point, b: Point, size: ImageSize): PixelRect {
  const left = clamp(Math.floor(Math.min(a.x, b.x)), 0, size.width - 1);
  const top = clamp(Math.floor(Math.min(a.y, b.y)), 0, size.height - 1);
  const right = clamp(Math.ceil(Math.max(a.x, b.x)), left + 1, size.width);
  const bottom = clamp(Math.ceil(Math.max(a.y, b.y)), top + 1, size.height);
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Grows a rectangle to the minimum size, towards the right and bottom unless the image ends there. */
export function withMinimumSize(rect: PixelRect, size: ImageSize): PixelRect {
  const minimum = minimumCropSize(size);
  const width = Math.max(rect.width, minimum.width);
  const height = Math.max(rect.height, minimum.height);
  return { x: clamp(rect.x, 0, size.width - width), y: clamp(rect.y, 0, size.height - height), width, height };
}

/** Moves a rectangle by (dx, dy), stopping at the image's edges. */
export function moveRect(rect: PixelRect, dx: number, dy: number, size: ImageSize): PixelRect {
  return { ...rect, x: clamp(rect.x + dx, 0, size.width - rect.width), y: clamp(rect.y + dy, 0, size.height - rect.height) };
}

/** Changes a rectangle's width and height (its top-left corner stays), within the image and the minimum size. */
export function resizeRect(rect: PixelRect, dWidth: number, dHeight: number, size: ImageSize): PixelRect {
  const minimum = minimumCropSize(size);
  return {
    ...rect,
    width: clamp(rect.width + dWidth, minimum.width, size.width - rect.x),
    height: clamp(rect.height + dHeight, minimum.height, size.height - rect.y),
  };
}

/** How far an arrow key moves or resizes: 1% of the image's long side (Alt+arrow: one pixel). */
export function keyboardStep(size: ImageSize): number {
  return Math.max(1, Math.round(Math.max(size.width, size.height) / 100));
}

/**
 * Where the rectangle starts for an image not cropped yet: the largest centred part that the model
 * is sent at full size (the whole image when it fits the budget), so Apply alone already sharpens.
 */
export function initialCropRect(size: ImageSize, budget: ImageBudget): PixelRect {
  let width = Math.min(size.width, budget.maxLongSide);
  let height = Math.min(size.height, budget.maxLongSide);
  if (budget.maxPixels !== undefined && width * height > budget.maxPixels) {
    const scale = Math.sqrt(budget.maxPixels / (width * height));
    width = Math.floor(width * scale);
    height = Math.floor(height * scale);
  }
  const rect = withMinimumSize({ x: 0, y: 0, width: Math.max(1, width), height: Math.max(1, height) }, size);
  return { ...rect, x: Math.floor((size.width - rect.width) / 2), y: Math.floor((size.height - rect.height) / 2) };
}

/** "1240 × 610 px of the original · sent as 448 × 220 (small text may be unreadable)". */
export function cropReadout(rect: PixelRect, budget: ImageBudget): string {
  const sent = fitWithinBudget(rect, budget);
  const size = `${rect.width} × ${rect.height} px of the original`;
  if (sent.width === rect.width && sent.height === rect.height) return `${size} · sent at full size`;
  const unreadable = sent.width / rect.width < 0.5 ? ' (small text may be unreadable)' : '';
  return `${size} · sent as ${sent.width} × ${sent.height}${unreadable}`;
}

const sameRect = (a: PixelRect, b: PixelRect) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

// ---- the dialog ----

export interface CropDialogEvents {
  /** Apply with a rectangle other than the current crop (the whole image undoes a crop). */
  readonly onApply: (imageId: string, rect: PixelRect) => void;
  /** The dialog closed, applied or not: focus goes back to the image's Crop button. */
  readonly onClosed: (imageId: string) => void;
}

type Drag =
  /** Drawing from a fixed corner (a new rectangle, or a corner handle pulled): `before` is restored if the pointer never really moved. */
  | { readonly mode: 'draw'; readonly anchor: Point; readonly before: PixelRect; readonly startX: number; readonly startY: number; moved: boolean }
  /** Dragging the rectangle by the point it was grabbed at. */
  | { readonly mode: 'move'; readonly grab: Point };

/** Screen pixels a pointer must travel before a press counts as drawing rather than a click. */
const dragThreshold = 3;

const corners = ['nw', 'ne', 'sw', 'se'] as const;
type Corner = (typeof corners)[number];

const keyMoves: Readonly<Record<string, readonly [number, number]>> = {
  ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
};

export class CropDialog {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly picture: HTMLImageElement;
  private readonly selectionBox: HTMLElement;
  private readonly loading: HTMLElement;
  private readonly readout: HTMLElement;
  private readonly wholeButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly applyButton: HTMLButtonElement;

  private current: { readonly imageId: string; readonly label: string } | undefined;
  private source: { readonly size: ImageSize; readonly budget: ImageBudget; readonly crop?: PixelRect } | undefined;
  private rect: PixelRect | undefined;
  private drag: Drag | undefined;

  constructor(private readonly document: Document, private readonly events: CropDialogEvents) {
    const titleId = 'glimpse-crop-title';
    const helpId = 'glimpse-crop-help';
    const readoutId = 'glimpse-crop-readout';
    this.title = createElement(document, 'h2', { className: 'crop-title', attributes: { id: titleId } });
    const help = createElement(document, 'p', {
      className: 'crop-help', attributes: { id: helpId },
      text: 'Drag on the image to draw the part to send; drag the rectangle to move it, or its corners to resize it. ' +
        'Arrow keys move it, Shift+arrow keys resize it (Alt for single pixels), Enter applies, Escape cancels.',
    });
    this.picture = createElement(document, 'img', { className: 'crop-picture', attributes: { alt: '', draggable: 'false' } });
    this.selectionBox = createElement(document, 'div', { className: 'crop-selection', attributes: { 'aria-hidden': 'true' } },
      corners.map((corner) => createElement(document, 'span', { className: `crop-handle crop-handle-${corner}`, attributes: { 'data-corner': corner } })));
    this.selectionBox.hidden = true;
    // role=application: screen readers pass the arrow keys through to this one widget.
    this.stage = createElement(document, 'div', {
      className: 'crop-stage',
      attributes: { tabindex: '0', role: 'application', 'aria-roledescription': 'crop area', 'aria-describedby': `${helpId} ${readoutId}` },
    }, [this.picture, this.selectionBox]);
    this.loading = createElement(document, 'p', { className: 'crop-loading', text: 'Loading the image…' });
    this.readout = createElement(document, 'p', { className: 'crop-readout', attributes: { id: readoutId, 'aria-live': 'polite' } });
    this.wholeButton = createElement(document, 'button', { className: 'secondary-button crop-whole', text: 'Whole image', attributes: { type: 'button', title: 'Select the whole image (applying it undoes the crop)' } });
    this.cancelButton = createElement(document, 'button', { className: 'secondary-button crop-cancel', text: 'Cancel', attributes: { type: 'button' } });
    this.applyButton = createElement(document, 'button', { className: 'primary-button crop-apply', text: 'Apply', attributes: { type: 'button' } });
    this.element = createElement(document, 'div', {
      className: 'crop-overlay',
      attributes: { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, 'aria-describedby': helpId },
    }, [
      this.title,
      help,
      createElement(document, 'div', { className: 'crop-stage-area' }, [this.stage, this.loading]),
      this.readout,
      createElement(document, 'div', { className: 'crop-buttons' }, [this.wholeButton, this.cancelButton, this.applyButton]),
    ]);
    this.element.hidden = true;

    this.wholeButton.addEventListener('click', () => {
      if (!this.source) return;
      this.setRect({ x: 0, y: 0, ...this.source.size });
    });
    this.cancelButton.addEventListener('click', () => this.close());
    this.applyButton.addEventListener('click', () => this.apply());
    this.element.addEventListener('keydown', (event) => this.onDialogKey(event));
    this.stage.addEventListener('keydown', (event) => this.onStageKey(event));
    this.stage.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    this.stage.addEventListener('pointermove', (event) => this.onPointerMove(event));
    this.stage.addEventListener('pointerup', (event) => this.onPointerUp(event));
    this.stage.addEventListener('pointercancel', () => this.cancelDrag());
    this.stage.addEventListener('lostpointercapture', () => this.finishDrag());
  }

  get isOpen(): boolean {
    return this.current !== undefined;
  }

  /** The image the dialog is open for. */
  get imageId(): string | undefined {
    return this.current?.imageId;
  }

  /** Opens for a pending image and waits for the host's `cropSource`. */
  open(image: PendingImageView): void {
    this.reset();
    this.current = { imageId: image.id, label: image.label };
    this.title.textContent = `Crop ${image.label}`;
    this.picture.alt = image.label;
    this.loading.hidden = false;
    this.stage.setAttribute('aria-busy', 'true');
    this.stage.setAttribute('aria-label', `Crop area of ${image.label}`);
    this.readout.textContent = '';
    this.setButtonsEnabled(false);
    this.element.hidden = false;
    this.stage.focus();
  }

  /** The preview and size of the original arrived: the rectangle becomes usable. */
  showSource(message: CropSource): void {
    if (!this.current || message.imageId !== this.current.imageId) return;
    // Checked again here, as for thumbnails: this is a place the panel sets a src.
    if (!message.preview.startsWith('data:image/')) return;
    const size = { width: message.width, height: message.height };
    this.source = { size, budget: message.budget, crop: message.crop };
    this.picture.src = message.preview;
    this.loading.hidden = true;
    this.stage.removeAttribute('aria-busy');
    this.setButtonsEnabled(true);
    this.setRect(message.crop ?? initialCropRect(size, message.budget));
  }

  /** Closes without applying (Cancel, Escape, the image left the composer, or the host refused). */
  close(): void {
    const imageId = this.current?.imageId;
    if (imageId === undefined) return;
    this.reset();
    this.element.hidden = true;
    this.events.onClosed(imageId);
  }

  private reset(): void {
    this.current = undefined;
    this.source = undefined;
    this.rect = undefined;
    this.drag = undefined;
    // The preview can be a few hundred KB of base64: not kept once the dialog is closed.
    this.picture.removeAttribute('src');
    this.selectionBox.hidden = true;
  }

  private apply(): void {
    const current = this.current;
    const source = this.source;
    const rect = this.rect;
    if (!current || !source || !rect) return;
    const unchanged = source.crop ? sameRect(rect, source.crop) : rect.x === 0 && rect.y === 0 && rect.width === source.size.width && rect.height === source.size.height;
    if (!unchanged) this.events.onApply(current.imageId, rect);
    this.close();
  }

  private setButtonsEnabled(enabled: boolean): void {
    this.wholeButton.disabled = !enabled;
    this.applyButton.disabled = !enabled;
  }

  private setRect(rect: PixelRect): void {
    if (!this.source) return;
    this.rect = rect;
    const { width, height } = this.source.size;
    const percent = (value: number, of: number) => `${((value / of) * 100).toFixed(4)}%`;
    this.selectionBox.style.setProperty('left', percent(rect.x, width));
    this.selectionBox.style.setProperty('top', percent(rect.y, height));
    this.selectionBox.style.setProperty('width', percent(rect.width, width));
    this.selectionBox.style.setProperty('height', percent(rect.height, height));
    this.selectionBox.hidden = false;
    this.readout.textContent = cropReadout(rect, this.source.budget);
  }

  // ---- keyboard ----

  private onDialogKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      // Handled here, so the composer's Escape (stop the answer) does not fire as well.
      event.preventDefault();
      event.stopPropagation();
      this.close();
    } else if (event.key === 'Tab') {
      this.keepFocusInside(event);
    }
  }

  /** Tab and Shift+Tab cycle through the dialog's controls while it is open. */
  private keepFocusInside(event: KeyboardEvent): void {
    const controls = [this.stage, this.wholeButton, this.cancelButton, this.applyButton].filter((control) => !(control as HTMLButtonElement).disabled);
    const index = controls.indexOf(this.document.activeElement as HTMLElement);
    const next = event.shiftKey ? (index <= 0 ? controls.length - 1 : index - 1) : (index === -1 || index === controls.length - 1 ? 0 : index + 1);
    event.preventDefault();
    controls[next].focus();
  }

  private onStageKey(event: KeyboardEvent): void {
    if (event.key === 'Enter') {
      event.preventDefault();
      this.apply();
      return;
    }
    const direction = keyMoves[event.key];
    if (!direction || !this.source || !this.rect) return;
    event.preventDefault();
    const step = event.altKey ? 1 : keyboardStep(this.source.size);
    const [dx, dy] = [direction[0] * step, direction[1] * step];
    this.setRect(event.shiftKey ? resizeRect(this.rect, dx, dy, this.source.size) : moveRect(this.rect, dx, dy, this.source.size));
  }

  // ---- pointer ----

  /** Where the pointer is on the original, from the picture's box on screen. */
  private pointAt(event: MouseEvent): Point {
    const { width, height } = this.source!.size;
    const box = this.picture.getBoundingClientRect();
    const x = box.width > 0 ? ((event.clientX - box.left) / box.width) * width : 0;
    const y = box.height > 0 ? ((event.clientY - box.top) / box.height) * height : 0;
    return { x: clamp(x, 0, width), y: clamp(y, 0, height) };
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.button !== 0 || !this.source || !this.rect) return;
    event.preventDefault();
    this.stage.focus();
    const point = this.pointAt(event);
    const rect = this.rect;
    const corner = (event.target as Element | null)?.closest?.('[data-corner]')?.getAttribute('data-corner') as Corner | null | undefined;
    if (corner) {
      // Pulling a corner: draw from the opposite one.
      const anchor = {
        x: corner.endsWith('w') ? rect.x + rect.width : rect.x,
        y: corner.startsWith('n') ? rect.y + rect.height : rect.y,
      };
      this.drag = { mode: 'draw', anchor, before: rect, startX: event.clientX, startY: event.clientY, moved: true };
    } else if (point.x >= rect.x && point.x <= rect.x + rect.width && point.y >= rect.y && point.y <= rect.y + rect.height) {
      this.drag = { mode: 'move', grab: { x: point.x - rect.x, y: point.y - rect.y } };
    } else {
      this.drag = { mode: 'draw', anchor: point, before: rect, startX: event.clientX, startY: event.clientY, moved: false };
    }
    // Moves outside the stage (or the panel) still come here until the button is released.
    if (typeof this.stage.setPointerCapture === 'function' && event.pointerId !== undefined) {
      try {
        this.stage.setPointerCapture(event.pointerId);
      } catch {
        // Not an active pointer (synthetic events): moves over the stage still arrive.
      }
    }
  }

  private onPointerMove(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || !this.source) return;
    event.preventDefault();
    const point = this.pointAt(event);
    if (drag.mode === 'move') {
      const rect = this.rect!;
      this.setRect(moveRect(rect, Math.round(point.x - drag.grab.x) - rect.x, Math.round(point.y - drag.grab.y) - rect.y, this.source.size));
      return;
    }
    drag.moved ||= Math.hypot(event.clientX - drag.startX, event.clientY - drag.startY) >= dragThreshold;
    if (drag.moved) this.setRect(rectBetween(drag.anchor, point, this.source.size));
  }

  private onPointerUp(event: PointerEvent): void {
    if (!this.drag) return;
    this.onPointerMove(event);
    this.finishDrag();
  }

  /** A drawn rectangle gets at least the minimum size; a press that never moved keeps the rectangle it had. */
  private finishDrag(): void {
    const drag = this.drag;
    this.drag = undefined;
    if (!drag || drag.mode !== 'draw' || !this.source || !this.rect) return;
    this.setRect(drag.moved ? withMinimumSize(this.rect, this.source.size) : drag.before);
  }

  private cancelDrag(): void {
    const drag = this.drag;
    this.drag = undefined;
    if (drag?.mode === 'draw') this.setRect(drag.before);
  }
}
