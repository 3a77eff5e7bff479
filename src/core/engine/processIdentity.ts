// Tells one process apart from another that later got the same pid: its start time and its command
// line, as the system reports them. Linux reads /proc/<pid>/stat (field 22, the start time in clock
// ticks since boot) and /proc/<pid>/cmdline; macOS asks `ps` (lstart and command). Windows has no
// cheap equivalent without native code: there nothing is identified, so nothing is ever killed.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface ProcessIdentity {
  /** When it started, in the system's own terms (Linux: clock ticks since boot; macOS: ps's lstart). */
  readonly started: string;
  /** Its command line as the system shows it (Linux: the arguments joined by NUL; macOS: as ps prints it). */
  readonly commandLine: string;
}

/** Whether this platform can identify a process (Linux and macOS). */
export const canIdentifyProcesses = process.platform === 'linux' || process.platform === 'darwin';

/** The identity of a running process; undefined when it is gone, a zombie, or cannot be read here. */
export async function readProcessIdentity(pid: number): Promise<ProcessIdentity | undefined> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    if (process.platform === 'linux') return await linuxIdentity(pid);
    if (process.platform === 'darwin') return await macIdentity(pid);
  } catch {
    // gone, or not ours to read
  }
  return undefined;
}

/** Whether both identities are one process: the same start and the same command line. */
export function sameProcess(a: ProcessIdentity | undefined, b: ProcessIdentity | undefined): boolean {
  return a !== undefined && b !== undefined && a.started === b.started && a.commandLine === b.commandLine;
}

async function linuxIdentity(pid: number): Promise<ProcessIdentity | undefined> {
  const before = parseLinuxStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  const commandLine = (await readFile(`/proc/${pid}/cmdline`)).toString('utf8').replace(/\0$/, '');
  // Read the start again: the pid may have been reused between the two reads.
  const after = parseLinuxStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  if (!before || !after || before.started !== after.started || after.zombie || !commandLine) return undefined;
  return { started: after.started, commandLine };
}

/**
 * Reads the state (field 3) and start time (field 22) of /proc/<pid>/stat. Field 2, the name in
 * parentheses, may hold spaces and parentheses itself: the fields after it follow the last ')'.
 */
export function parseLinuxStat(text: string): { readonly started: string; readonly zombie: boolean } | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const state = fields[0];
  const started = fields[22 - 3];
  if (!state || !started || !/^\d+$/.test(started)) return undefined;
  return { started, zombie: state === 'Z' || state === 'X' };
}

async function macIdentity(pid: number): Promise<ProcessIdentity | undefined> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile('ps', ['-ww', '-o', 'stat=', '-o', 'lstart=', '-o', 'command=', '-p', String(pid)], { env: { ...process.env, LC_ALL: 'C' }, timeout: 5_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout));
  });
  return parsePsLine(output);
}

/** One line of `ps -o stat= -o lstart= -o command=` in the C locale: "Ss   Tue Dec  2 10:00:00 2026 /path/llama-server -m …". */
export function parsePsLine(output: string): ProcessIdentity | undefined {
  const match = /^\s*(\S+)\s+(\w{3}\s+\w{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4})\s+(.+?)\s*$/s.exec(output);
  if (!match || match[1].startsWith('Z')) return undefined;
  return { started: match[2].replace(/\s+/g, ' '), commandLine: match[3] };
}
