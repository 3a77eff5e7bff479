// `glimpse doctor`: prints the core's diagnostics as a checklist; exits 1 when something is wrong.

import { diagnose } from '../core/engine/diagnostics';

export async function runDoctor(options: { serverPath?: string; modelPath?: string; mmprojPath?: string }): Promise<number> {
  const items = await diagnose(options);
  for (const item of items) process.stdout.write(`${item.ok ? '✓' : '✗'} ${item.label}: ${item.detail}\n`);
  return items.every((item) => item.ok) ? 0 : 1;
}
