// What the model sees of an image, drawn the same way in the conversation and in the composer's
// pending strip: the thumbnail, its size and visual tokens, and the host's warning when the
// downscale will likely make small text unreadable.

import type { ImageView } from '../core/protocol';
import { createElement } from './dom';

/** "1024×768 sent (from 4032×3024)" when the model got a smaller image than the file; else undefined. */
export function downscaleCaption(image: ImageView): string | undefined {
  if (image.width === image.originalWidth && image.height === image.originalHeight) return undefined;
  return `${image.width}×${image.height} sent (from ${image.originalWidth}×${image.originalHeight})`;
}

/** "1024 tokens" when the host could predict them; else undefined. */
export function tokenCaption(image: ImageView): string | undefined {
  return image.tokens === undefined ? undefined : `${image.tokens} tokens`;
}

/** The image element, or its label when the thumbnail is not a data:image/ URI. */
export function thumbnailImage(document: Document, image: ImageView): HTMLElement {
  // The protocol only lets data:image/ URIs through; checked again here because this is the one
  // place the panel sets a src, and the CSP (img-src data:) is the last line, not the only one.
  if (image.thumbnail.startsWith('data:image/')) {
    return createElement(document, 'img', { attributes: { src: image.thumbnail, alt: image.label, title: image.label } });
  }
  return createElement(document, 'span', { className: 'thumbnail-missing', text: image.label });
}

/**
 * A figure: the thumbnail, then a caption with the size line and the warning, each when there is
 * one. A warning also puts `has-warning` on the figure, which marks the thumbnail.
 */
export function thumbnailFigure(document: Document, image: ImageView, caption: string | undefined, className = 'thumbnail'): HTMLElement {
  const figure = createElement(document, 'figure', { className }, [thumbnailImage(document, image)]);
  const lines: HTMLElement[] = [];
  if (caption) lines.push(createElement(document, 'span', { className: 'image-caption', text: caption }));
  if (image.warning) {
    figure.classList.add('has-warning');
    lines.push(createElement(document, 'span', { className: 'image-warning', text: image.warning }));
  }
  if (lines.length > 0) figure.append(createElement(document, 'figcaption', {}, lines));
  return figure;
}
