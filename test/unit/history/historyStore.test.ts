// The history store on a real temporary folder: round trips, images once by hash, atomic and ordered
// writes, a crash mid-answer, corrupt files set aside, rename, delete with image collection, export.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { GlimpseError } from '../../../src/core/errors';
import { turnViewsFromRecord, interruptedAnswerMessage } from '../../../src/core/history/convert';
import { HistoryStore, type LoadResult } from '../../../src/core/history/historyStore';
import type { ConversationRecord } from '../../../src/core/history/record';
import { answeredConversation, fakeImage, tempRoot } from './fixtures';

function ok(result: LoadResult): Extract<LoadResult, { kind: 'ok' }> {
  assert.equal(result.kind, 'ok', JSON.stringify(result));
  return result as Extract<LoadResult, { kind: 'ok' }>;
}

function withText(record: ConversationRecord, text: string, status?: 'done'): ConversationRecord {
  const last = record.turns.at(-1)!;
  return { ...record, turns: [...record.turns.slice(0, -1), { ...last, text, ...(status ? { status } : {}) }] };
}

describe('history: HistoryStore', () => {
  let root: string;
  let store: HistoryStore;
  beforeEach(() => {
    root = tempRoot();
    store = new HistoryStore(root, { imageGraceMs: 0 });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const imageFiles = () => fs.readdirSync(path.join(root, 'images')).filter((name) => !name.endsWith('.tmp')).sort();

  it('saves and loads a conversation unchanged, in a new store (a restart); the file holds no image bytes', async () => {
    const image = fakeImage('login.png');
    const { record } = answeredConversation('c1', [image], 'What is wrong?', 'The password field is empty.');
    await store.putImages([image]);
    await store.save(record);
    const loaded = ok(await new HistoryStore(root).load('c1'));
    assert.deepEqual(loaded.record, record);
    assert.deepEqual(loaded.missingImages, []);
    const text = fs.readFileSync(path.join(root, 'conversations', 'c1.json'), 'utf8');
    assert.equal(text.includes(image.data.toString('base64').slice(0, 40)), false);
    assert.deepEqual(imageFiles(), [`${image.sha256}.png`]);
  });

  it('stores an image shared by two conversations once', async () => {
    const shared = fakeImage('shared.png');
    const other = fakeImage('other.jpg', 'image/jpeg');
    const a = answeredConversation('a', [shared], 'q1', 'a1');
    const b = answeredConversation('b', [shared, other], 'q2', 'a2');
    await store.putImages([shared]);
    await store.save(a.record);
    await store.putImages([shared, other]);
    await store.save(b.record);
    assert.equal(await store.putImage(shared.data, 'image/png'), shared.sha256);
    assert.deepEqual(imageFiles(), [`${shared.sha256}.png`, `${other.sha256}.jpg`].sort());
    assert.deepEqual(await store.readImage(other.sha256), other.data);
  });

  it('putting an image already stored leaves the file alone but refreshes its time (for collection)', async () => {
    const image = fakeImage('again.png');
    await store.putImage(image.data, 'image/png');
    const file = store.imagePath(image.sha256, 'image/png');
    const old = new Date(Date.now() - 24 * 3600_000);
    fs.utimesSync(file, old, old);
    const before = fs.statSync(file);
    await store.putImage(image.data, 'image/png');
    const after = fs.statSync(file);
    assert.equal(after.ino, before.ino, 'not rewritten');
    assert.ok(after.mtimeMs > before.mtimeMs + 3600_000, 'time refreshed');
  });

  it('after a restart a follow-up sends a byte-identical prefix (images read back by hash)', async () => {
    const image = fakeImage('chart.png');
    const { record, sent } = answeredConversation('c1', [image], 'Read the axis labels.', 'X is time, Y is latency.');
    await store.putImages([image]);
    await store.save(record);
    const restarted = new HistoryStore(root);
    const turns = await restarted.sentTurns(ok(await restarted.load('c1')).record);
    assert.deepEqual(turns, sent);
    assert.ok(turns[1].images?.[0].data.equals(image.data));
  });

  it('ignores a temp file a crash left behind, next to the real file', async () => {
    const { record } = answeredConversation('c1', [], 'Just text', 'Answer');
    await store.save(record);
    const folder = path.join(root, 'conversations');
    fs.writeFileSync(path.join(folder, 'c1.json.0123456789ab.tmp'), '{"version":1,"id":"c1","tit');
    fs.writeFileSync(path.join(folder, 'c2.json.ba9876543210.tmp'), '{');
    const restarted = new HistoryStore(root);
    const list = await restarted.list();
    assert.deepEqual(list.conversations.map((entry) => entry.id), ['c1']);
    assert.deepEqual([list.setAside, list.unreadable], [[], []]);
    assert.deepEqual(ok(await restarted.load('c1')).record, record);
  });

  it('a write that fails half-way (disk full) leaves the previous file whole and no temp file', async () => {
    const { record } = answeredConversation('c1', [], 'q', '');
    await store.save(withText(record, 'version one', 'done'));
    const realOpen = fsp.open;
    const realWriteFile = fsp.writeFile;
    const diskFull = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const writeHalf = async (file: Parameters<typeof fsp.writeFile>[0], data: unknown) => {
      await realWriteFile(file, String(data).slice(0, 20));
      throw diskFull;
    };
    fsp.open = (async (file: string, flags: string) => {
      const handle = await realOpen(file, flags);
      return Object.assign(Object.create(handle) as typeof handle, { writeFile: (data: unknown) => writeHalf(handle, data), sync: () => handle.sync(), close: () => handle.close() });
    }) as typeof fsp.open;
    fsp.writeFile = writeHalf as typeof fsp.writeFile;
    try {
      await assert.rejects(store.save(withText(record, 'version two, much longer than twenty characters', 'done')), (error: unknown) => error instanceof GlimpseError && error.code === 'history-write-failed' && /no space left/.test(error.message));
    } finally {
      fsp.open = realOpen;
      fsp.writeFile = realWriteFile;
    }
    assert.equal(ok(await new HistoryStore(root).load('c1')).record.turns[1].text, 'version one');
    assert.deepEqual(fs.readdirSync(path.join(root, 'conversations')), ['c1.json']);
  });

  it('writes of one conversation land in order: the file ends with the last save', async () => {
    const { record } = answeredConversation('c1', [], 'Count', '');
    const saves: Promise<void>[] = [];
    for (let index = 0; index < 30; index++) {
      saves.push(store.save(withText(record, `answer ${index}`, 'done')));
      // Let the previous write get under way, so that writes would overlap if they were not queued.
      if (index % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(saves);
    const onDisk = JSON.parse(fs.readFileSync(path.join(root, 'conversations', 'c1.json'), 'utf8')) as ConversationRecord;
    assert.equal(onDisk.turns[1].text, 'answer 29');
    assert.deepEqual(fs.readdirSync(path.join(root, 'conversations')), ['c1.json']);
  });

  it('keeps a streaming answer\'s partial text through a crash and shows it as interrupted', async () => {
    const image = fakeImage('trace.png');
    const { record } = answeredConversation('c1', [image], 'Explain the trace', undefined);
    await store.putImages([image]);
    await store.save(record);
    const ticks: Promise<boolean>[] = [];
    let text = '';
    for (const piece of ['The ', 'exception ', 'comes from ', 'the parser']) {
      text += piece;
      ticks.push(store.saveStreaming('c1', text));
    }
    assert.deepEqual(await Promise.all(ticks), [true, true, true, true]);
    const live = ok(await store.load('c1'));
    assert.equal(live.record.turns[1].status, 'streaming', 'the window that streams still sees it streaming');

    const afterCrash = new HistoryStore(root);
    const loaded = ok(await afterCrash.load('c1'));
    assert.equal(loaded.record.turns[1].text, 'The exception comes from the parser');
    assert.equal(loaded.record.turns[1].status, 'interrupted');
    assert.deepEqual(loaded.record.sent.at(-1), { role: 'assistant', text: 'The exception comes from the parser' });
    const view = turnViewsFromRecord(loaded.record, () => 'data:image/png;base64,AA')[1];
    assert.deepEqual([view.status, view.error, view.actions], ['error', interruptedAnswerMessage, ['retry']]);
    assert.equal((await afterCrash.list()).conversations[0].interrupted, true);
  });

  it('a streaming save after the answer ended writes nothing', async () => {
    const { record } = answeredConversation('c1', [], 'q', undefined);
    await store.save(record);
    await store.saveStreaming('c1', 'partial');
    await store.save(withText(record, 'final answer', 'done'));
    assert.equal(await store.saveStreaming('c1', 'late tick'), false);
    assert.equal(await store.saveStreaming('unknown', 'x'), false);
    const loaded = ok(await new HistoryStore(root).load('c1'));
    assert.deepEqual([loaded.record.turns[1].text, loaded.record.turns[1].status], ['final answer', 'done']);
  });

  it('sets a file of invalid JSON aside, says where, and lists the rest', async () => {
    await store.save(answeredConversation('good', [], 'Fine question', 'Fine answer').record);
    const broken = path.join(root, 'conversations', 'broken.json');
    fs.writeFileSync(broken, '{"version": 1, "id": "broken", "title": "half wri');
    const fixedNow = new HistoryStore(root, { now: () => new Date('2025-03-04T05:06:07.089Z') });
    const list = await fixedNow.list();
    assert.deepEqual(list.conversations.map((entry) => entry.id), ['good']);
    assert.equal(list.setAside.length, 1);
    const movedTo = path.join(root, 'corrupt', 'broken-2025-03-04T05-06-07-089Z.json');
    assert.equal(list.setAside[0].movedTo, movedTo);
    assert.ok(list.setAside[0].message.includes(broken), list.setAside[0].message);
    assert.ok(list.setAside[0].message.includes(movedTo), list.setAside[0].message);
    assert.match(list.setAside[0].message, /not valid JSON/);
    assert.equal(fs.existsSync(broken), false);
    assert.equal(fs.readFileSync(movedTo, 'utf8'), '{"version": 1, "id": "broken", "title": "half wri');
    assert.equal((await fixedNow.load('broken')).kind, 'not-found');
  });

  it('loading a schema-invalid file reports it as corrupt, naming the field, and sets it aside', async () => {
    const { record } = answeredConversation('bad', [], 'q', 'a');
    const file = path.join(root, 'conversations', 'bad.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ ...record, turns: 'oops' }));
    const result = await store.load('bad');
    assert.equal(result.kind, 'corrupt');
    if (result.kind !== 'corrupt') return;
    assert.match(result.message, /turns is not a list/);
    assert.ok(result.movedTo && fs.existsSync(result.movedTo));
    assert.ok(result.message.includes(file) && result.message.includes(result.movedTo));
    assert.equal(fs.existsSync(file), false);
    assert.deepEqual((await store.list()).setAside, []);
  });

  it('a file from a newer Glimpse is reported, not moved', async () => {
    const file = path.join(root, 'conversations', 'future.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ version: 2, id: 'future', somethingNew: true }));
    assert.equal((await store.load('future')).kind, 'unsupported');
    const list = await store.list();
    assert.deepEqual([list.setAside.length, list.unreadable.map((item) => item.id)], [0, ['future']]);
    assert.ok(fs.existsSync(file));
  });

  it('renames; the title survives later saves; an empty title goes back to the first question', async () => {
    const { record } = answeredConversation('c1', [], 'How do I centre a div?', 'Use flexbox.');
    await store.save(record);
    await store.rename('c1', '  CSS centring  ');
    await store.save(withText(record, 'Use grid.'));
    const renamed = ok(await new HistoryStore(root).load('c1')).record;
    assert.deepEqual([renamed.title, renamed.titleIsCustom, renamed.turns[1].text], ['CSS centring', true, 'Use grid.']);

    const other = new HistoryStore(root);
    await other.rename('c1', '');
    assert.deepEqual((await other.list()).conversations.map((entry) => [entry.title]), [['How do I centre a div?']]);
    await assert.rejects(other.rename('missing', 'x'), (error: unknown) => error instanceof GlimpseError && error.code === 'history-not-found');
  });

  it('lists newest first with counts and the first image for a thumbnail', async () => {
    const image = fakeImage('a.png');
    const older = answeredConversation('older', [image], 'first', 'x').record;
    const newer = { ...answeredConversation('newer', [], 'second', 'y').record, updatedAt: '2025-02-01T00:00:00.000Z' };
    await store.save(older);
    await store.save(newer);
    const restarted = new HistoryStore(root);
    const list = await restarted.list();
    assert.deepEqual(list.conversations.map((entry) => [entry.id, entry.title, entry.turnCount, entry.questionCount, entry.firstImage?.sha256, entry.interrupted]), [
      ['newer', 'second', 2, 1, undefined, false],
      ['older', 'first', 2, 1, image.sha256, false],
    ]);
    await store.rename('older', 'tsrif');
    assert.deepEqual((await restarted.list()).conversations.map((entry) => entry.title), ['second', 'tsrif'], 'a changed file is read again');
  });

  it('images named only in a set-aside corrupt file are kept', async () => {
    const image = fakeImage('rescued.png');
    await store.putImages([image]);
    await store.save(answeredConversation('other', [], 'q', 'a').record);
    const { record } = answeredConversation('broken', [image], 'q', 'a');
    fs.writeFileSync(path.join(root, 'conversations', 'broken.json'), JSON.stringify(record).slice(0, -10));
    assert.equal((await store.list()).setAside.length, 1);
    await store.delete('other');
    assert.deepEqual(imageFiles(), [`${image.sha256}.png`]);
  });

  it('delete removes images no other conversation uses; a shared image goes with its last conversation', async () => {
    const shared = fakeImage('shared.png');
    const own = fakeImage('own.png');
    await store.putImages([shared, own]);
    await store.save(answeredConversation('a', [shared, own], 'q', 'a').record);
    await store.save(answeredConversation('b', [shared], 'q', 'b').record);
    assert.equal(await store.delete('a'), true);
    assert.deepEqual(imageFiles(), [`${shared.sha256}.png`]);
    assert.deepEqual((await store.list()).conversations.map((entry) => entry.id), ['b']);
    assert.equal(await store.delete('b'), true);
    assert.deepEqual(imageFiles(), []);
    assert.equal(await store.delete('b'), false);
  });

  it('garbage collection spares a fresh image not yet referenced (a conversation about to be saved)', async () => {
    const graceful = new HistoryStore(root);
    const fresh = fakeImage('fresh.png');
    await graceful.save(answeredConversation('a', [], 'q', 'a').record);
    await graceful.putImage(fresh.data, 'image/png');
    await graceful.delete('a');
    assert.deepEqual(imageFiles(), [`${fresh.sha256}.png`]);
    assert.deepEqual((await store.collectGarbage()).removedImages, [fresh.sha256]);
  });

  it('a conversation whose image file disappeared still loads, the image marked missing', async () => {
    const image = fakeImage('gone.png');
    await store.putImages([image]);
    await store.save(answeredConversation('c1', [image], 'q', 'a').record);
    fs.rmSync(store.imagePath(image.sha256, 'image/png'));
    const loaded = ok(await new HistoryStore(root).load('c1'));
    assert.deepEqual(loaded.missingImages, [image.sha256]);
    assert.equal(await store.readImage(image.sha256), undefined);
    await assert.rejects(store.sentTurns(loaded.record), (error: unknown) => error instanceof GlimpseError && error.code === 'history-image-missing');
  });

  it('an image file whose bytes no longer match its hash reads as missing', async () => {
    const image = fakeImage('damaged.png');
    await store.putImage(image.data, 'image/png');
    fs.writeFileSync(store.imagePath(image.sha256, 'image/png'), Buffer.from('damaged'));
    assert.equal(await store.readImage(image.sha256, 'image/png'), undefined);
  });

  it('exports Markdown with the images beside it, linked relatively; never overwrites', async () => {
    const image = fakeImage('Error dialog.png');
    await store.putImages([image]);
    const { record } = answeredConversation('c1', [image], 'What does this error mean?\nIt appears on save.', undefined);
    await store.save(withText(record, '## Cause\nThe disk is full.'));
    const target = path.join(root, 'export');
    const file = await new HistoryStore(root).exportMarkdown('c1', target);
    assert.equal(file, path.join(target, 'What does this error mean It appears on save.md'));
    const markdown = fs.readFileSync(file, 'utf8');
    const links = [...markdown.matchAll(/!\[([^\]]*)\]\(([^)]+)\)/g)].map((match) => [match[1], match[2]]);
    assert.equal(links.length, 1);
    assert.equal(links[0][0], 'Error dialog.png');
    assert.match(links[0][1], /^images\/[A-Za-z0-9._-]+\.png$/);
    assert.ok(fs.readFileSync(path.join(target, links[0][1])).equals(image.data));
    assert.ok(markdown.includes('> What does this error mean?\n> It appears on save.'), markdown);
    assert.ok(markdown.includes('## Cause\nThe disk is full.'), markdown);
    assert.match(markdown, /Interrupted/);
    const again = await store.exportMarkdown('c1', target);
    assert.equal(path.basename(again), 'What does this error mean It appears on save (2).md');
  });

  it('export notes an image whose file is missing instead of linking it', async () => {
    const image = fakeImage('lost.png');
    await store.save(answeredConversation('c1', [image], 'q', 'a').record);
    const markdown = fs.readFileSync(await store.exportMarkdown('c1', path.join(root, 'export')), 'utf8');
    assert.equal(markdown.includes('!['), false);
    assert.match(markdown, /“lost\.png” is missing/);
  });

  it('refuses ids that are not safe file names', async () => {
    await assert.rejects(store.load('../escape'), (error: unknown) => error instanceof GlimpseError && error.code === 'invalid-argument');
    await assert.rejects(store.save({ ...answeredConversation('x', [], 'q', 'a').record, id: 'a/b' }), (error: unknown) => error instanceof GlimpseError && error.code === 'invalid-argument');
  });
});
