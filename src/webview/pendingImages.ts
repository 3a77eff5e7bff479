// The strip above the question box: the images attached for the next question, as the model will
// see them (size sent, visual tokens, the host's warning), each with a Crop… button (emphasised
// when the warning says small text will be unreadable) and a remove button. It is drawn from the
// host's `pendingImages` message only; removing posts `removeImage`, applying a crop posts
// `cropImage`, and both wait for the host's new list.

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
  private images: readonly PendingImageView[] = [];
  /** Where the removed image was, so focus can move to its neighbour once the host's list arrives. */
  private removedIndex: number | undefined;
  /** Images being cropped by the host, with the thumbnail they had: the mark goes when a new one arrives. */
  private readonly cropping = new Map<string, string>();

  constructor(
    private readonly document: Document,
    private readonly onRemove: (id: string) => void,
    /** Called when the strip had focus and emptied: focus goes back to the question box. */
    private readonly onFocusLeaves: () => void,
    /** The Crop… button of an image. */
    private readonly onCrop: (id: string) => void,
  ) {
    this.list = createElement(document, 'ul', { className: 'pending-image-list' });
    this.element = createElement(document, 'section', { className: 'pending-images', attributes: { 'aria-label': 'Images for the next question' } }, [this.list]);
    this.element.hidden = true;
  }

  /** How many images are attached for the next question. */
  get size(): number {
    return this.count;
  }

  /** The image with this id, as the host last described it. */
  image(id: string): PendingImageView | undefined {
    return this.images.find((image) => image.id === id);
  }

  /** Marks an image as being cropped until the host's new list replaces it (or `cropEnded`). */
  cropStarted(id: string): void {
    const image = this.image(id);
    if (!image) return;
    this.cropping.set(id, image.thumbnail);
    this.render(this.images);
  }

  /** The host refused the crop: the image is shown as it was. */
  cropEnded(id: string): void {
    if (this.cropping.delete(id)) this.render(this.images);
  }

  /** Puts the keyboard on an image's Crop… button (after its crop dialog closed). */
  focusCropButton(id: string): void {
    const button = Array.from(this.list.querySelectorAll<HTMLButtonElement>('.crop-image')).find((candidate) => candidate.dataset.imageId === id);
    if (button) button.focus();
    else this.onFocusLeaves();
  }

  render(images: readonly PendingImageView[]): void {
    const hadFocus = this.element.contains(this.document.activeElement);
    // Which image's button had the focus, so a redraw that keeps the image keeps the focus on it.
    const focusedButton = hadFocus ? (this.document.activeElement as HTMLElement) : undefined;
    const focusedId = focusedButton?.dataset.imageId;
    const focusedKind = focusedButton?.classList.contains('crop-image') ? '.crop-image' : '.remove-image';
    const removedIndex = this.removedIndex;
    this.removedIndex = undefined;
    this.images = images;
    for (const [id, thumbnail] of this.cropping) {
      if (images.find((image) => image.id === id)?.thumbnail !== thumbnail) this.cropping.delete(id);
    }
    this.count = images.length;
    this.list.replaceChildren(...images.map((image, index) => this.item(image, index)));
    this.element.hidden = images.length === 0;
    if (!hadFocus) return;
    const kept = focusedId === undefined || removedIndex !== undefined ? undefined
      : Array.from(this.list.querySelectorAll<HTMLButtonElement>(focusedKind)).find((button) => button.dataset.imageId === focusedId);
    if (kept) {
      kept.focus();
      return;
    }
    const buttons = this.list.querySelectorAll<HTMLButtonElement>('.remove-image');
    const next = buttons[Math.min(removedIndex ?? 0, buttons.length - 1)];
    if (next) next.focus();
    else this.onFocusLeaves();
  }

  private item(image: PendingImageView, index: number): HTMLElement {
    const cropping = this.cropping.has(image.id);
    const caption = cropping ? 'Cropping…' : pendingImageCaption(image);
    const figure = thumbnailFigure(this.document, cropping ? { ...image, warning: undefined } : image, caption, 'thumbnail pending-image');
    const downscale = downscaleCaption(image);
    if (downscale) figure.title = `${image.label}: ${downscale}`;
    const remove = createElement(this.document, 'button', {
      className: 'icon-button remove-image', text: '×',
      attributes: { type: 'button', 'aria-label': `Remove ${image.label}`, title: `Remove ${image.label}`, 'data-image-id': image.id },
    });
    remove.addEventListener('click', () => {
      this.removedIndex = index;
      this.onRemove(image.id);
    });
    // Always there; emphasised when the host warns that the downscale will lose small text.
    const crop = createElement(this.document, 'button', {
      className: image.warning && !cropping ? 'primary-button crop-image suggested' : 'secondary-button crop-image', text: 'Crop…',
      attributes: {
        type: 'button', 'aria-label': `Crop ${image.label}`, 'data-image-id': image.id,
        title: image.warning ? 'Send only the part that matters, sharper' : `Crop ${image.label}`,
      },
    });
    crop.addEventListener('click', () => this.onCrop(image.id));
    const item = createElement(this.document, 'li', { className: 'pending-image-item' }, [
      createElement(this.document, 'div', { className: 'pending-image-body' }, [figure, crop]), remove,
    ]);
    if (cropping) item.setAttribute('aria-busy', 'true');
    return item;
  }
}
