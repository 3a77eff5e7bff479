// Ends the llama-server processes that an editor left running when it died without stopping them
// (an extension host killed alone with SIGKILL, a crash): on each engine start, every record in the
// folder (engineProcessRecord.ts) whose owner is gone is checked, and its engine is ended only
// when it is verifiably the process that was recorded: alive, the same start time, the same
// command line. A pid that now belongs to anything else is never signalled. Records of owners that
// still run (another window, this process) are left alone.

import { delay } from '../abort';
import { isCode } from '../atomicFile';
import { commandLineHash, readEngineProcessRecords, removeRecord, removeStaleTemporaryRecords, type EngineProcessRecord } from './engineProcessRecord';
import { canIdentifyProcesses, readProcessIdentity } from './processIdentity';

export type ReapOutcome =
  /** Its owner still runs: another window's engine, or this process's own. */
  | 'owner-alive'
  /** The recorded engine had ended already: the record is removed. */
  | 'gone'
  /** The pid now belongs to another process (or the file is not a record): removed, nothing signalled. */
  | 'not-ours'
  /** The orphan was ended (SIGTERM, then SIGKILL after the grace): the record is removed. */
  | 'ended'
  /** The orphan did not end even after SIGKILL: the record is kept for the next start. */
  | 'survived';

export interface ReapResult {
  readonly file: string;
  readonly pid?: number;
  readonly outcome: ReapOutcome;
}

export interface ReaperLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface ReapOptions {
  /** How long an orphan has after SIGTERM before it gets SIGKILL. */
  readonly graceMs?: number;
}

const defaultGraceMs = 3_000;
const pollMs = 25;

/** Checks every record in `folder` and ends the orphans; never throws (a failure is logged). */
export async function reapOrphanedEngines(folder: string, logger: ReaperLogger, options: ReapOptions = {}): Promise<ReapResult[]> {
  if (!canIdentifyProcesses) return [];
  try {
    await removeStaleTemporaryRecords(folder);
    const records = await readEngineProcessRecords(folder);
    return await Promise.all(records.map(({ file, record }) => reapOne(file, record, logger, options.graceMs ?? defaultGraceMs)));
  } catch (error) {
    logger.warn(`Could not check for engines left running by an earlier session: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

async function reapOne(file: string, record: EngineProcessRecord | undefined, logger: ReaperLogger, graceMs: number): Promise<ReapResult> {
  if (!record) {
    await removeRecord(file);
    return { file, outcome: 'not-ours' };
  }
  const { owner, engine } = record;
  const ownerNow = await readProcessIdentity(owner.pid);
  if (ownerNow && ownerNow.started === owner.started) return { file, pid: engine.pid, outcome: 'owner-alive' };

  const outcome = await endIfOurs(engine, logger, graceMs);
  if (outcome !== 'survived') await removeRecord(file);
  return { file, pid: engine.pid, outcome };
}

async function endIfOurs(engine: EngineProcessRecord['engine'], logger: ReaperLogger, graceMs: number): Promise<ReapOutcome> {
  const { pid } = engine;
  const stillOurs = async () => {
    const now = await readProcessIdentity(pid);
    return now !== undefined && now.started === engine.started && commandLineHash(now.commandLine) === engine.commandLineSha256;
  };
  const now = await readProcessIdentity(pid);
  if (!now) return 'gone';
  if (now.started !== engine.started || commandLineHash(now.commandLine) !== engine.commandLineSha256) {
    logger.info(`A recorded llama-server (pid ${pid}) has ended; that pid now belongs to another process, which is left alone.`);
    return 'not-ours';
  }
  logger.warn(`Ending llama-server (pid ${pid}, port ${engine.port}, ${engine.binary}): an editor window or CLI that ended without stopping it left it running.`);
  for (const [signal, waitMs] of [['SIGTERM', graceMs], ['SIGKILL', 2_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      // ESRCH: it ended meanwhile; EPERM: it is another user's, so not ours to end.
      return isCode(error, 'ESRCH') ? 'ended' : 'not-ours';
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (!(await stillOurs())) return 'ended';
      await delay(pollMs);
    }
  }
  logger.warn(`llama-server (pid ${pid}) is still running after SIGKILL; it is checked again on the next start.`);
  return 'survived';
}
