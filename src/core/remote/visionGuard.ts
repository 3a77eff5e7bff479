// Refuses to send images to a remote model that is known not to read them, before the request: a
// text-only model would answer about an image it never saw, or the server would fail with an
// obscure error. An override (the user knows better than the probe) wins over the probe.

import { GlimpseError } from '../errors';
import type { VisionProbe } from './capabilityProbe';

/** Per model name: true = "it reads images" (send them anyway), false = "it does not" (refuse even when unknown). */
export type VisionOverrides = Readonly<Record<string, boolean>>;

/**
 * Whether images may be sent to the probed model: true (it reads them, by probe or override) or
 * 'unknown' (the server does not say: sending is allowed). Throws 'remote-no-vision' when the probe
 * or an override says the model cannot read images.
 */
export function assertCanSee(probe: VisionProbe, overrides: VisionOverrides = {}): true | 'unknown' {
  const override = probe.model !== undefined && Object.prototype.hasOwnProperty.call(overrides, probe.model) ? overrides[probe.model] : undefined;
  const vision = override ?? probe.vision;
  if (vision === true) return true;
  if (vision === 'unknown') return 'unknown';
  const model = probe.model ? `"${probe.model}"` : 'The model';
  const reason = override === false
    ? 'your settings mark it as unable to read images'
    : probe.detail;
  throw new GlimpseError(
    'remote-no-vision',
    `${model} on ${probe.baseUrl} cannot read images (${reason.replace(/\.$/, '')}). ` +
      'Pick a vision model on that server (one with a projector / vision support), or a local model; ' +
      'if you know this model does read images and the check is wrong, override the check for this model.',
  );
}
