// Engines that "Get the Engine" downloaded (engineDownload.ts): each in its own folder with an
// engine-download.json that says where its llama-server is. Read by locateServer, which takes the
// newest.

import { promises as fs } from 'node:fs';
import path from 'node:path';

export const engineRecordName = 'engine-download.json';

/** What engine-download.json holds, beside the unpacked archive. */
export interface DownloadRecord {
  readonly formatVersion: 1;
  readonly tag: string;
  readonly target: string;
  readonly url: string;
  readonly sha256: string;
  readonly verified: boolean;
  /** llama-server, relative to the folder. */
  readonly server: string;
}

/** Downloaded engines under `root` that unpacked and verified, newest first. */
export async function downloadedEngineServers(root: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(root);
  } catch {
    return [];
  }
  const found: Array<{ server: string; mtimeMs: number }> = [];
  for (const entry of entries) {
    const recordPath = path.join(root, entry, engineRecordName);
    try {
      const record = JSON.parse(await fs.readFile(recordPath, 'utf8')) as DownloadRecord;
      const server = path.join(root, entry, record.server);
      await fs.access(server);
      found.push({ server, mtimeMs: (await fs.stat(recordPath)).mtimeMs });
    } catch {
      // not a finished download
    }
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs).map((f) => f.server);
}
