// Byte counts as users read them: rounded in decimal units for sizes of downloads and models, or
// exact with thousands separators where a difference of a few bytes matters (a truncated file).

/** "1.4 GB", "512 MB", "900 KB", "12 bytes": decimal units, as download sizes are usually shown. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} KB`;
  return `${bytes} bytes`;
}

/** "1,234,567": the exact count, digits grouped (the caller adds the unit). */
export function formatExactBytes(bytes: number): string {
  return bytes.toLocaleString('en-US');
}
