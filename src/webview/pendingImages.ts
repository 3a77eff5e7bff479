// The strip above the question box: the images attached for the next question, as the model will
// see them (size sent, visual tokens, the host's warning), each with a remove button. It is drawn
// from the host's `pendingImages` message only; removing posts `removeImage` and waits for the
// host's new list.

import type { PendingImageView } from '../core/protocol';
import { createElement } from './dom';
import { downscaleCaption, thumbnailFigure, tokenCaption } from './thumbnails';

/** "896×672 · 1024 tokens": the size the model gets, and its tokens when known. */
export function pendingImageCaption(image: PendingImageView): string {
  return [`${image.width}×${image.height}`, tokenCaption(image)].filter((part) => part !== undefined).join(' · ');
}

export class PendingImageStrip {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private count = 0;
  /** Where the removed image was, so focus can move to its neighbour once the host's list arrives. */
  private removedIndex: number | undefined;

  constructor(
    private readonly document: Document,
    private readonly onRemove: (id: string) => void,
    /** Called when the strip had focus and emptied: focus goes back to the question box. */
    private readonly onFocusLeaves: () => void,
  ) {
    this.list = createElement(document, 'ul', { className: 'pending-image-list' });
    this.element = createElement(document, 'section', { className: 'pending-images', attributes: { 'aria-label': 'Images for the next question' } }, [this.list]);
    this.element.hidden = true;
  }

  /** How many images are attached for the next question. */
  get size(): number {
    return this.count;
  }

  render(images: readonly PendingImageView[]): void {
    const hadFocus = this.element.contains(this.document.activeElement);
    const removedIndex = this.removedIndex;
    this.removedIndex = undefined;
    this.count = images.length;
    this.list.replaceChildren(...images.map((image, index) => this.item(image, index)));
    this.element.hidden = images.length === 0;
    if (!hadFocus) return;
    const buttons = this.list.querySelectorAll<HTMLButtonElement>('.remove-image');
    const next = buttons[Math.min(removedIndex ?? 0, buttons.length - 1)];
    if (next) next.focus();
    else this.onFocusLeaves();
  }

  private item(image: PendingImageView, index: number): HTMLElement {
    const figure = thumbnailFigure(this.document, image, pendingImageCaption(image), 'thumbnail pending-image');
    const downscale = downscaleCaption(image);
    if (downscale) figure.title = `${image.label}: ${downscale}`;
    const remove = createElement(this.document, 'button', {
      className: 'icon-button remove-image', text: '×', attributes: { type: 'button', 'aria-label': `Remove ${image.label}`, title: `Remove ${image.label}` },
    });
    remove.addEventListener('click', () => {
      this.removedIndex = index;
      this.onRemove(image.id);
    });
    return createElement(this.document, 'li', { className: 'pending-image-item' }, [figure, remove]);
  }
}
