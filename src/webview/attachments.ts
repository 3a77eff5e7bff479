// Getting images into the composer from the clipboard and from drops: picks the image files out of
// a paste or a drop, refuses the ones over the protocol's size cap before reading a byte, reads the
// rest as base64 and posts each as an `attachImage` message. The host prepares them for the model
// and answers with `pendingImages` (or a `notice` when it refuses one).

import { maxAttachmentBytes } from '../core/protocol';
import type { WebviewMessage } from '../core/protocol';

/** The part of ClipboardEvent.clipboardData and DragEvent.dataTransfer this file reads (tests fake it). */
export interface FileTransfer {
  readonly items?: ArrayLike<{ readonly kind: string; readonly type: string; getAsFile(): File | null }> | null;
  readonly files?: ArrayLike<File> | null;
  readonly types?: ArrayLike<string> | null;
}

type AttachImage = Extract<WebviewMessage, { type: 'attachImage' }>;

/** The protocol's pattern for an image MIME type. */
const imageType = /^image\/[a-z0-9.+-]+$/;
/** The protocol's limit on an attachment's name. */
const maxNameLength = 500;
const bytesPerMegabyte = 1024 * 1024;

/** Whether the transfer carries files (during a drag only the kinds are visible, not the files). */
export function carriesFiles(transfer: FileTransfer | null | undefined): boolean {
  return Array.from(transfer?.types ?? []).includes('Files');
}

/**
 * The files in a paste or drop. Items first, `files` only when no item is a file: Chromium lists a
 * pasted screenshot in both, and taking both would attach it twice.
 */
export function filesIn(transfer: FileTransfer | null | undefined): File[] {
  const fromItems = Array.from(transfer?.items ?? [])
    .filter((item) => item.kind === 'file')
    .map((item) => item.getAsFile())
    .filter((file): file is File => file !== null);
  return fromItems.length > 0 ? fromItems : Array.from(transfer?.files ?? []);
}

export function isImageFile(file: File): boolean {
  return imageType.test(file.type.toLowerCase());
}

/** The name the host shows for the image: the file's own, or "pasted image.png" for a bare clipboard image. */
export function attachmentName(file: File): string {
  const name = file.name.trim() || `pasted image.${file.type.toLowerCase().slice('image/'.length).split('+')[0] || 'png'}`;
  return name.slice(0, maxNameLength);
}

/** "23.5" for 23.41 MB: rounded up, so a file just over the limit never reads as the limit itself. */
function megabytes(bytes: number): string {
  return (Math.ceil((bytes / bytesPerMegabyte) * 10) / 10).toFixed(1);
}

export function tooLargeMessage(file: File): string {
  return `${attachmentName(file)} is ${megabytes(file.size)} MB; the limit is ${maxAttachmentBytes / bytesPerMegabyte} MB. Crop or downscale it first.`;
}

export function notAnImageMessage(file: File): string {
  return `${file.name || 'The dropped file'} is not an image; only images can be attached.`;
}

/** The file's bytes as base64, read by the browser (a data: URL is base64 already; no copy through JS). */
export function readAsBase64(file: File, window: Window & typeof globalThis): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new window.FileReader();
    reader.onload = () => {
      const url = String(reader.result ?? '');
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

export interface ImageIntakeEvents {
  readonly post: (message: AttachImage) => void;
  /** A file was refused or could not be read: the text says which and what to do. */
  readonly refuse: (text: string) => void;
}

/** Turns files into `attachImage` messages, one at a time, in order. */
export class ImageIntake {
  /** Reads are chained so images arrive at the host in the order they were pasted or dropped. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly window: (Window & typeof globalThis) | null, private readonly events: ImageIntakeEvents) {}

  /**
   * Takes the image files among `files` (checking sizes before reading) and returns how many it
   * took. Other files are refused when `refuseOthers` is set (a drop), ignored otherwise (a paste).
   * The returned promise settles when every taken file has been posted or refused.
   */
  take(files: readonly File[], refuseOthers: boolean): { taken: number; done: Promise<void> } {
    const images = files.filter(isImageFile);
    const refusals: string[] = [];
    if (refuseOthers) refusals.push(...files.filter((file) => !isImageFile(file)).map(notAnImageMessage));
    const fitting = images.filter((file) => {
      if (file.size <= maxAttachmentBytes) return true;
      refusals.push(tooLargeMessage(file));
      return false;
    });
    if (refusals.length > 0) this.events.refuse(refusals.join(' '));
    for (const file of fitting) this.queue = this.queue.then(() => this.send(file));
    return { taken: images.length, done: this.queue };
  }

  private async send(file: File): Promise<void> {
    const name = attachmentName(file);
    try {
      if (!this.window) throw new Error('the panel has no window to read files with');
      const dataBase64 = await readAsBase64(file, this.window);
      this.events.post({ type: 'attachImage', name, mimeType: file.type.toLowerCase(), dataBase64 });
    } catch (error) {
      const reason = error instanceof Error && error.message ? `: ${error.message}` : '';
      this.events.refuse(`Glimpse could not read ${name}${reason}. Try the Attach image button instead.`);
    }
  }
}
