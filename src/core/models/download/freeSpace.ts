// Free disk space for the download check: bytes available to this (unprivileged) user on the file
// system holding `dir`, from statfs. Injectable in downloadPair so tests can simulate a full disk.

import { promises as fs } from 'node:fs';

export type FreeSpaceProbe = (dir: string) => Promise<number>;

export const statfsFreeSpace: FreeSpaceProbe = async (dir) => {
  const stats = await fs.statfs(dir);
  return stats.bavail * stats.bsize;
};
