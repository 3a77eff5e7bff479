// The streaming client against servers that never end their answer in a way the idle timeout can
// see: an endless line, endless data lines, an answer without end, a trickle of bytes, keep-alives
// or empty updates forever. Each must end with an error that says what happened, within a few
// seconds (small limits are passed as options; the size limits are tested at their defaults),
// with the process's memory bounded, the connection closed, and the next request working.

import assert from 'node:assert/strict';
import { streamChatCompletion, type ChatCompletionOptions } from '../../../src/core/openai/openAiClient';
import { defaultStreamLimits } from '../../../src/core/openai/streamLimits';
import { cliErrorText } from '../../../src/cli/optionFlags';
import { editorErrorText } from '../../../src/vscode/settingNames';
import { answerHello, ask, assertStillWorks, json, textOf, withScriptedServer, type Handler } from '../remote/scriptedServer';
import {
  delta, endlessAnswer, endlessDataLines, endlessLine, repeatThenAnswer, sse, trickle, type Pumped,
} from '../../fixtures/fakeServer/hostileStreams';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';

const fast: ChatCompletionOptions = { connectTimeoutMs: 1_000, idleTimeoutMs: 2_000 };
const mebibyte = 1024 * 1024;

function newStats(): Pumped {
  return { bytes: 0, closed: false };
}

/** Runs `run`, returning how much the resident set grew meanwhile (sampled every 20 ms, the peak). */
async function rssGrowth(run: () => Promise<void>): Promise<number> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, process.memoryUsage().rss) - before;
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('openAiClient against servers that never end', () => {
  it('ends one endless event line at 1 MiB with a clear error, memory bounded, connection closed', async () => {
    const stats = newStats();
    await withScriptedServer([endlessLine(stats), answerHello], async ({ baseUrl }) => {
      const growth = await rssGrowth(async () => {
        await rejectsWithCode(ask({ baseUrl }, fast), 'remote-bad-response',
          /^The server at http:\/\/127\.0\.0\.1:\d+ sent an event line over 1 MiB without a line end: not a valid event stream\. Check the server address/);
      });
      await settle();
      assert.ok(stats.closed, 'the client closed the connection');
      assert.ok(stats.bytes < 16 * mebibyte, `the client stopped reading early (the server wrote ${stats.bytes} bytes)`);
      assert.ok(growth < 48 * mebibyte, `the process grew by ${Math.round(growth / mebibyte)} MiB`);
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('ends endless data lines never closed by a blank line at 4 MiB, memory bounded', async () => {
    const stats = newStats();
    await withScriptedServer([endlessDataLines(stats), answerHello], async ({ baseUrl }) => {
      const growth = await rssGrowth(async () => {
        await rejectsWithCode(ask({ baseUrl }, fast), 'remote-bad-response',
          /sent an event over 4 MiB \(data lines with no blank line to end the event\): not a valid event stream/);
      });
      await settle();
      assert.ok(stats.closed);
      assert.ok(stats.bytes < 24 * mebibyte, `the server wrote ${stats.bytes} bytes`);
      assert.ok(growth < 64 * mebibyte, `the process grew by ${Math.round(growth / mebibyte)} MiB`);
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('ends an answer past 4 MiB of text (the default limit), having delivered no more than that', async () => {
    const stats = newStats();
    await withScriptedServer([endlessAnswer(stats, 4096), answerHello], async ({ baseUrl }) => {
      let delivered = 0;
      const growth = await rssGrowth(async () => {
        await rejectsWithCode((async () => {
          for await (const event of streamChatCompletion({ baseUrl }, [{ role: 'user', text: 'hi' }], fast)) {
            if (event.type === 'delta') delivered += Buffer.byteLength(event.text);
          }
        })(), 'remote-bad-response', /sent more than 4 MiB of answer text without finishing, far more than any answer length limit allows, so Glimpse stopped the request/);
      });
      assert.ok(delivered <= defaultStreamLimits.maxAnswerBytes && delivered > defaultStreamLimits.maxAnswerBytes - 8192, `delivered ${delivered} bytes`);
      await settle();
      assert.ok(stats.closed);
      assert.ok(growth < 64 * mebibyte, `the process grew by ${Math.round(growth / mebibyte)} MiB`);
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('counts reasoning and tool-call text towards the answer limit', async () => {
    const reasoningForever: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const piece = sse({ choices: [{ delta: { reasoning_content: 'r'.repeat(512), tool_calls: [{ index: 0, function: { arguments: 'a'.repeat(512) } }] } }] });
      const timer = setInterval(() => res.write(piece.repeat(8)), 1);
      res.on('close', () => clearInterval(timer));
      setTimeout(() => res.end(), 3_000);
    };
    await withScriptedServer(reasoningForever, async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, { ...fast, streamLimits: { maxAnswerBytes: 64 * 1024 } }), 'remote-bad-response', /more than 64 KiB of answer text/);
    });
  });
});

describe('openAiClient: no progress', () => {
  it('ends a server that trickles one byte at a time after the answer began, though the idle timeout never trips', async () => {
    const stats = newStats();
    await withScriptedServer([trickle(stats, delta('partial'), 50, 4_000), answerHello], async ({ baseUrl }) => {
      const started = Date.now();
      const received: string[] = [];
      await rejectsWithCode((async () => {
        for await (const event of streamChatCompletion({ baseUrl }, [{ role: 'user', text: 'hi' }], { ...fast, noProgressTimeoutMs: 500 })) {
          if (event.type === 'delta') received.push(event.text);
        }
      })(), 'remote-timeout',
      /^The server at http:\/\/127\.0\.0\.1:\d+ sent no answer text for 500 ms in the middle of its answer, though it kept the connection busy \(keep-alive comments, empty updates or a trickle of bytes\), so Glimpse stopped the request\./);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 480 && elapsed < 2_000, `ended after ${elapsed} ms`);
      assert.deepEqual(received, ['partial']);
      await settle();
      assert.ok(stats.closed, 'the connection was closed');
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('ends a server that trickles bytes before any answer text, after the first-text limit', async () => {
    const stats = newStats();
    await withScriptedServer([trickle(stats, '', 50, 4_000), answerHello], async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, { ...fast, firstTextTimeoutMs: 500 }), 'remote-timeout',
        /kept the connection open for 500 ms without starting its answer \(it sent only keep-alive comments, empty updates or partial data\), so Glimpse stopped the request/);
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('ends a server that sends only keep-alive comments, forever', async () => {
    const stats = newStats();
    await withScriptedServer([repeatThenAnswer(stats, '', ': ping\n\n', 50, 10_000), answerHello], async ({ baseUrl }) => {
      const started = Date.now();
      await rejectsWithCode(ask({ baseUrl }, { ...fast, idleTimeoutMs: 300, firstTextTimeoutMs: 600 }), 'remote-timeout', /kept the connection open for 600 ms without starting its answer/);
      assert.ok(Date.now() - started < 2_000);
      await settle();
      assert.ok(stats.closed);
    });
  });

  it('ends a server that sends empty updates forever after some text', async () => {
    const stats = newStats();
    const empty = sse({ choices: [{ delta: {} }] }) + sse({ choices: [{ delta: { content: '' } }] }) + sse({ choices: [] });
    await withScriptedServer(repeatThenAnswer(stats, delta('a'), empty, 20, 10_000), async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, { ...fast, noProgressTimeoutMs: 400 }), 'remote-timeout', /sent no answer text for 400 ms in the middle of its answer, though it kept the connection busy/);
    });
  });

  it('waits through keep-alives while the prompt is read (shorter than the first-text limit), then streams the answer', async () => {
    const stats = newStats();
    await withScriptedServer(repeatThenAnswer(stats, '', ': ping\n\n', 50, 700), async ({ baseUrl }) => {
      const events = await ask({ baseUrl }, { ...fast, idleTimeoutMs: 300, firstTextTimeoutMs: 1_500, noProgressTimeoutMs: 200 });
      assert.equal(textOf(events), 'Hello');
    });
  });

  it('counts reasoning text as progress: a model that thinks longer than the no-progress limit is not stopped', async () => {
    const stats = newStats();
    await withScriptedServer(repeatThenAnswer(stats, '', sse({ choices: [{ delta: { reasoning_content: 'hmm ' } }] }), 50, 1_000), async ({ baseUrl }) => {
      const events = await ask({ baseUrl }, { ...fast, firstTextTimeoutMs: 300, noProgressTimeoutMs: 300 });
      assert.equal(textOf(events), 'Hello');
    });
  });

  it('counts llama-server prompt progress as progress, but not the same progress repeated', async () => {
    let processed = 0;
    // Each tick reports a little more of the prompt read.
    const reading = repeatThenAnswer(newStats(), '', () => sse({ choices: [], prompt_progress: { total: 1000, cache: 0, processed: (processed += 10), time_ms: 5 } }), 50, 1_000);
    await withScriptedServer(reading, async ({ baseUrl }) => {
      const events = await ask({ baseUrl }, { ...fast, firstTextTimeoutMs: 300 });
      assert.equal(textOf(events), 'Hello');
    });
    const stuck = repeatThenAnswer(newStats(), '', sse({ choices: [], prompt_progress: { total: 1000, cache: 0, processed: 10, time_ms: 5 } }), 50, 2_000);
    await withScriptedServer(stuck, async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, { ...fast, firstTextTimeoutMs: 300 }), 'remote-timeout', /without starting its answer/);
    });
  });

  it('does not count the consumer\'s own time as the server\'s lack of progress', async () => {
    await withScriptedServer(answerHello, async ({ baseUrl }) => {
      const received: string[] = [];
      for await (const event of streamChatCompletion({ baseUrl }, [{ role: 'user', text: 'hi' }], { ...fast, noProgressTimeoutMs: 100 })) {
        if (event.type === 'delta') {
          received.push(event.text);
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      }
      assert.deepEqual(received, ['Hel', 'lo']);
    });
  });
});

describe('openAiClient: the overall request deadline', () => {
  it('ends an answer still streaming at the deadline, naming the setting and the flag', async () => {
    const stats = newStats();
    await withScriptedServer(repeatThenAnswer(stats, '', delta('word '), 30, 10_000), async ({ baseUrl }) => {
      const started = Date.now();
      const error = await rejectsWithCode(ask({ baseUrl }, { ...fast, requestTimeoutMs: 600 }), 'remote-timeout',
        /^The answer from http:\/\/127\.0\.0\.1:\d+ took longer than 600 ms, the longest a request may take, so Glimpse stopped it\. If the model needs longer, raise the request time limit \(0: no limit\), or ask for a shorter answer\.$/);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 580 && elapsed < 2_000, `ended after ${elapsed} ms`);
      assert.deepEqual(error.optionsToChange, ['requestTimeout']);
      assert.match(editorErrorText(error), /Setting: "glimpse\.requestTimeoutSeconds"\.$/);
      assert.match(cliErrorText(error), /Flag: --request-timeout <seconds>\.$/);
      await settle();
      assert.ok(stats.closed);
    });
  });

  it('counts a rate-limit wait: the deadline ends the wait, not a "Stopped."', async () => {
    await withScriptedServer([json(429, { error: { message: 'busy' } }, { 'retry-after': '3' }), answerHello], async ({ baseUrl, received }) => {
      await rejectsWithCode(ask({ baseUrl }, { ...fast, requestTimeoutMs: 400 }), 'remote-timeout', /took longer than 400 ms/);
      assert.equal(received.length, 1);
    });
  });

  it('leaves an answer that finishes in time alone, and a Stop is still reported as stopped', async () => {
    await withScriptedServer(repeatThenAnswer(newStats(), '', delta(''), 30, 10_000), async ({ baseUrl }) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      await rejectsWithCode(ask({ baseUrl }, { ...fast, requestTimeoutMs: 5_000 }, controller.signal), 'cancelled');
    });
    await withScriptedServer(answerHello, async ({ baseUrl }) => {
      assert.equal(textOf(await ask({ baseUrl }, { ...fast, requestTimeoutMs: 5_000 })), 'Hello');
    });
  });
});
