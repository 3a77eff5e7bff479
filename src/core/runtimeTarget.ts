// This machine as VS Code names platform-specific extension targets (linux-x64, darwin-arm64,
// win32-x64, linux-armhf…): what a VSIX, a cached engine build and a downloadable engine are for.

export function runtimeTarget(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return `${platform}-${arch === 'arm' ? 'armhf' : arch}`;
}
