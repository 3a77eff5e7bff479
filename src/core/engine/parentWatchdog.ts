// Ends llama-server when the process that started it dies, however it dies (SIGKILL included, which
// no exit handler sees). Linux and macOS: a tiny `sh` beside the engine blocks reading a pipe whose
// only writer is this process; when this process dies the kernel closes the pipe, the read returns
// and the shell sends SIGKILL to the engine. The engine itself is spawned directly, so its pid,
// exit code and signal stay its own. Windows has no `sh`: there is no watchdog (the engine is in
// no job object either), and an engine whose editor was killed outlives it.
//
// The pipe's end in this process is close-on-exec (libuv opens every pipe so), so no other child
// inherits it and keeps the watchdog waiting. When the engine ends first, the watchdog is killed
// from the engine's exit event, before its pid can be reused.

import { spawn, type ChildProcess } from 'node:child_process';

/** `read` returns at end of file, that is when the last writer, this process, is gone. */
const script = 'read -r _; kill -KILL "$1" 2>/dev/null';

export interface ParentWatchdog {
  readonly pid: number | undefined;
  /** Stops watching (the engine ended, or is being stopped): kills the watchdog, never the engine. */
  dispose(): void;
}

/** Starts a watchdog for `enginePid`; undefined where there is none (Windows). */
export function watchForParentDeath(enginePid: number, onError: (message: string) => void): ParentWatchdog | undefined {
  if (process.platform === 'win32') return undefined;
  let watchdog: ChildProcess;
  try {
    watchdog = spawn('/bin/sh', ['-c', script, 'glimpse-engine-watchdog', String(enginePid)], { stdio: ['pipe', 'ignore', 'ignore'] });
  } catch (error) {
    onError(`The engine's watchdog could not be started: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  watchdog.on('error', (error) => onError(`The engine's watchdog could not be started: ${error.message}`));
  // Neither the watchdog nor its pipe keeps this process running (the CLI exits when it is done).
  watchdog.unref();
  const pipe = watchdog.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null;
  pipe?.unref?.();
  pipe?.on('error', () => undefined);
  return {
    pid: watchdog.pid,
    dispose: () => {
      // SIGKILL, never an end of input: that would make it kill the engine's pid.
      if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
    },
  };
}
