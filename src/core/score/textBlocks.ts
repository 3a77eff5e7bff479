// Text blocks, the unit the Design2Code score compares (design2CodeScore.ts): a run of text, the
// box it occupies in its image, and the colour of its text where known. The mockup's blocks come
// from OCR, the generated page's from its DOM in the headless render; both sides use this one type.
// Boxes are in pixels of their own image; the score compares them as fractions of that image
// (normaliseBox), so a mockup and a render of different sizes can be compared.

export interface RgbColour {
  /** 0–255 each. */
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface TextBlock {
  readonly text: string;
  /** Pixels in its image: x, y of the top left corner, from the image's top left. */
  readonly box: Box;
  /** The colour of the text (not of its background). */
  readonly color?: RgbColour;
}

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** The blocks read from one image, and that image's size in the same pixels as their boxes. */
export interface BlockSet {
  readonly blocks: readonly TextBlock[];
  readonly size: ImageSize;
}

/** The part of the box inside the image (a text outside it is not in the screenshot), in pixels. */
export function clipBox(box: Box, size: ImageSize): Box {
  checkImageSize(size);
  checkBox(box);
  const left = clamp(box.x, 0, size.width);
  const top = clamp(box.y, 0, size.height);
  const right = clamp(box.x + box.width, 0, size.width);
  const bottom = clamp(box.y + box.height, 0, size.height);
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** The box clipped to the image, as fractions of it: x and width over its width, y and height over its height. */
export function normaliseBox(box: Box, size: ImageSize): Box {
  const clipped = clipBox(box, size);
  return { x: clipped.x / size.width, y: clipped.y / size.height, width: clipped.width / size.width, height: clipped.height / size.height };
}

/** The smallest box holding both. */
export function unionBox(first: Box, second: Box): Box {
  const left = Math.min(first.x, second.x);
  const top = Math.min(first.y, second.y);
  const right = Math.max(first.x + first.width, second.x + second.width);
  const bottom = Math.max(first.y + first.height, second.y + second.height);
  return { x: left, y: top, width: right - left, height: bottom - top };
}

export function boxArea(box: Box): number {
  return box.width * box.height;
}

export function boxCentre(box: Box): { readonly x: number; readonly y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export function sameBox(first: Box, second: Box): boolean {
  return first.x === second.x && first.y === second.y && first.width === second.width && first.height === second.height;
}

export function checkImageSize(size: ImageSize): void {
  if (!(Number.isFinite(size.width) && Number.isFinite(size.height) && size.width > 0 && size.height > 0)) {
    throw new RangeError(`an image of ${size.width}×${size.height} pixels has no area to place text blocks in`);
  }
}

export function checkBox(box: Box): void {
  const { x, y, width, height } = box;
  if (![x, y, width, height].every(Number.isFinite) || width < 0 || height < 0) {
    throw new RangeError(`a text block's box needs finite x, y and a width and height of 0 or more, not ${JSON.stringify(box)}`);
  }
}

export function checkColour(colour: RgbColour): void {
  if (![colour.r, colour.g, colour.b].every((value) => Number.isFinite(value) && value >= 0 && value <= 255)) {
    throw new RangeError(`a text colour needs r, g and b from 0 to 255, not ${JSON.stringify(colour)}`);
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
