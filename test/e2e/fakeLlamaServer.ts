// A llama-server stand-in for the end-to-end tests: a wrapper script (set as glimpse.serverPath)
// that runs test/fixtures/fakeServer/fake-llama-server.mjs streaming a fixed answer.

import fs from 'node:fs';
import path from 'node:path';

const repositoryRoot = path.resolve(__dirname, '../../..');

/** Writes test/.generated/<name>/llama-server answering `answer` in chunks of `chunk` characters every `delayMs`. */
export function writeFakeLlamaServer(name: string, answer: string, stream: { delayMs: number; chunk: number }): string {
  const dir = path.join(repositoryRoot, 'test', '.generated', name);
  fs.mkdirSync(dir, { recursive: true });
  const answerFile = path.join(dir, 'answer.md');
  fs.writeFileSync(answerFile, answer);
  const wrapper = path.join(dir, 'llama-server');
  fs.writeFileSync(wrapper, [
    '#!/bin/sh',
    `GLIMPSE_FAKE_ANSWER_FILE='${answerFile}' GLIMPSE_FAKE_DELAY_MS=${stream.delayMs} GLIMPSE_FAKE_CHUNK=${stream.chunk} exec '${process.execPath}' '${path.join(repositoryRoot, 'test', 'fixtures', 'fakeServer', 'fake-llama-server.mjs')}' "$@"`,
    '',
  ].join('\n'), { mode: 0o755 });
  return wrapper;
}
