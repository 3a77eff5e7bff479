// What a "no model" message adds in a remote window, where the model settings come from the remote
// machine's settings, not the local User settings (they are machine-scoped).

/**
 * In a remote window (SSH, WSL, a container) the model settings are machine-scoped, so VS Code reads
 * them from the remote machine's settings and ignores those in your local User settings.
 */
export function remoteWindowHint(remoteName: string | undefined): string {
  if (!remoteName) return '';
  return ` This is a remote window (${remoteName}): Glimpse runs on the remote machine and reads glimpse.modelPath and glimpse.mmprojPath from its settings ` +
    '("Preferences: Open Remote Settings"), not from your local User settings; the model files must be on that machine.';
}
