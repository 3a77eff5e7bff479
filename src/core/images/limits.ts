// What Glimpse accepts at all, whatever the model: the file size and pixel count that guard memory
// and time while decoding. prepareImage and the crop dialog's preview both apply them.

export interface ImageLimits {
  maxFileBytes: number;
  maxInputPixels: number;
}

export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = {
  maxFileBytes: 50 * 1024 * 1024,
  maxInputPixels: 100_000_000,
};
