// The one reading of "GPU layers" (llama-server -ngl) for the setting glimpse.gpuLayers and the
// command line's --gpu-layers: a whole number of layers, or "auto" (pass nothing: llama-server
// decides). Each caller decides what to do with anything else: the setting falls back to auto,
// the command line refuses it.

/** A number of layers, 'auto', or undefined when the value is neither. */
export function parseGpuLayers(value: unknown): number | 'auto' | undefined {
  if (value === 'auto' || (typeof value === 'string' && value.trim() === 'auto')) return 'auto';
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}
