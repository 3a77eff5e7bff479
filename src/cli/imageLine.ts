// How the CLI reports an image it sends: its size (source → sent), the visual tokens it takes and
// what the first-token budget traded, as the panel's image strip does.

import type { EngineDescription } from '../core/engine/chatEngine';
import type { PreparedImage } from '../core/images/prepare';

export function imageLine(image: PreparedImage, description: EngineDescription | undefined): string {
  const size = image.downscaled ? `${image.originalWidth}×${image.originalHeight} → ${image.width}×${image.height}` : `${image.width}×${image.height}`;
  const tokens = description?.imageTokens?.(image.width, image.height);
  const note = description?.imageNote?.(image);
  return `${image.label}: ${size}${tokens === undefined ? '' : ` (~${tokens} image tokens)`}${note ? `. ${note}` : ''}`;
}
