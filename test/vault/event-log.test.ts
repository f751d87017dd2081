import { readFile, rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SecretInEventError,
  appendEvent,
  appendEvents,
  readEvents,
  verifyEventLog,
  vaultFiles,
} from '../../src/vault';
import { fakeApiKey, tempHome } from './helpers';

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ home, cleanup } = await tempHome()));
afterEach(() => cleanup());

/** Five entries, as a short session of the app would leave. */
async function writeFiveEvents(): Promise<void> {
  await appendEvent(home, { action: 'server.added', serverId: 's_1' });
  for (const keyId of ['k_1', 'k_2', 'k_3']) {
    await appendEvent(home, {
      action: 'key.created',
      serverId: 's_1',
      keyId,
      fingerprint: `sha256:${keyId}`,
      details: { permissions: ['btcpay.store.canviewinvoices'] },
    });
  }
  await appendEvent(home, { action: 'key.revealed', keyId: 'k_2' });
}

async function editLines(edit: (lines: string[]) => string[]): Promise<void> {
  const file = vaultFiles(home).events;
  const lines = (await readFile(file, 'utf8')).split('\n').slice(0, -1);
  const edited = edit(lines);
  await writeFile(file, edited.length ? `${edited.join('\n')}\n` : '');
}

describe('event log', () => {
  it('chains each entry to the one before it', async () => {
    await writeFiveEvents();

    const events = await readEvents(home);

    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events[0]?.prev).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(events[3]).toMatchObject({ action: 'key.created', keyId: 'k_3' });
    expect(await verifyEventLog(home)).toEqual({ ok: true, count: 5 });
  });

  it('verifies an empty log', async () => {
    expect(await verifyEventLog(home)).toEqual({ ok: true, count: 0 });
  });

  it('detects an edited entry', async () => {
    await writeFiveEvents();
    await editLines((lines) =>
      lines.map((line, index) =>
        index === 2 ? line.replace('k_2', 'k_9') : line,
      ),
    );

    expect(await verifyEventLog(home)).toMatchObject({
      ok: false,
      problem: 'changed',
      line: 3,
      count: 2,
    });
  });

  it('detects an edit to the last entry through the head anchor', async () => {
    await writeFiveEvents();
    await editLines((lines) =>
      lines.map((line, index) =>
        index === 4 ? line.replace('key.revealed', 'key.verified') : line,
      ),
    );

    expect(await verifyEventLog(home)).toMatchObject({
      ok: false,
      problem: 'changed',
      line: 5,
      count: 4,
    });
  });

  it('detects a deleted entry', async () => {
    await writeFiveEvents();
    await editLines((lines) => lines.filter((_, index) => index !== 1));

    const result = await verifyEventLog(home);

    expect(result).toMatchObject({
      ok: false,
      problem: 'removed',
      line: 2,
      count: 1,
    });
    expect(!result.ok && result.message).toMatch(/entries 2 to 2 are missing/);
  });

  it('detects a log that ends early', async () => {
    await writeFiveEvents();
    await editLines((lines) => lines.slice(0, 3));

    expect(await verifyEventLog(home)).toMatchObject({
      ok: false,
      problem: 'truncated',
      line: 4,
      count: 3,
    });
  });

  it('detects an emptied log', async () => {
    await writeFiveEvents();
    await rm(vaultFiles(home).events);

    expect(await verifyEventLog(home)).toMatchObject({
      ok: false,
      problem: 'truncated',
      count: 0,
    });
  });

  it('keeps a shortened log detectable after later appends', async () => {
    await writeFiveEvents();
    await editLines((lines) => lines.slice(0, 3));
    await appendEvent(home, { action: 'key.verified', keyId: 'k_1' });

    expect(await verifyEventLog(home)).toMatchObject({
      ok: false,
      problem: 'removed',
      line: 4,
      count: 3,
    });
  });

  it('detects reordered entries', async () => {
    await writeFiveEvents();
    await editLines(([a = '', b = '', c = '', ...rest]) => [a, c, b, ...rest]);

    expect(await verifyEventLog(home)).toMatchObject({
      ok: false,
      problem: 'changed',
      line: 2,
      count: 1,
    });
  });

  it('detects a line that is not an entry', async () => {
    await writeFiveEvents();
    await editLines((lines) =>
      lines.map((line, index) => (index === 3 ? line.slice(0, 20) : line)),
    );

    expect(await verifyEventLog(home)).toMatchObject({
      ok: false,
      problem: 'unparseable',
      line: 4,
      count: 3,
    });
  });

  it('accepts a head anchor one entry behind, as a crash leaves it', async () => {
    await writeFiveEvents();
    const headFile = vaultFiles(home).eventsHead;
    const events = await readEvents(home);
    const fourth = (await readFile(vaultFiles(home).events, 'utf8')).split(
      '\n',
    )[3];
    const { createHash } = await import('node:crypto');
    await writeFile(
      headFile,
      JSON.stringify({
        seq: 4,
        hash: createHash('sha256')
          .update(fourth ?? '')
          .digest('hex'),
      }),
    );

    expect(events).toHaveLength(5);
    expect(await verifyEventLog(home)).toEqual({ ok: true, count: 5 });
  });
});

describe('appendEvents', () => {
  it('chains several entries in one write, after what was there', async () => {
    await appendEvent(home, { action: 'server.added', serverId: 's_1' });

    const written = await appendEvents(home, [
      { action: 'key.verified', keyId: 'k_1', details: { result: 'valid' } },
      { action: 'key.verified', keyId: 'k_2', details: { result: 'error' } },
    ]);

    expect(written.map((entry) => entry.seq)).toEqual([2, 3]);
    expect((await readEvents(home)).map((entry) => entry.keyId)).toEqual([
      undefined,
      'k_1',
      'k_2',
    ]);
    expect(await verifyEventLog(home)).toEqual({ ok: true, count: 3 });
    await appendEvent(home, { action: 'key.revealed', keyId: 'k_2' });
    expect(await verifyEventLog(home)).toEqual({ ok: true, count: 4 });
  });

  it('writes none of them when one is refused', async () => {
    await expect(
      appendEvents(home, [
        { action: 'key.verified', keyId: 'k_1' },
        { action: 'key.created', details: { apiKey: 'x' } },
      ]),
    ).rejects.toBeInstanceOf(SecretInEventError);

    expect(await readEvents(home)).toEqual([]);
  });
});

describe('event secret guard', () => {
  it('refuses an event whose details hold an API key', async () => {
    const apiKey = fakeApiKey();
    const error = await appendEvent(home, {
      action: 'key.created',
      details: { note: `the key is ${apiKey}` },
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecretInEventError);
    expect((error as Error).message).toContain('details.note');
    expect((error as Error).message).not.toContain(apiKey);
  });

  it('refuses fields named like secrets, at any depth', async () => {
    for (const details of [
      { apiKey: 'x' },
      { request: { password: 'hunter2' } },
      { list: [{ Secret: 'x' }] },
    ]) {
      await expect(
        appendEvent(home, { action: 'key.created', details }),
      ).rejects.toBeInstanceOf(SecretInEventError);
    }
  });

  it('refuses a Basic authorization value', async () => {
    await expect(
      appendEvent(home, {
        action: 'key.created',
        details: { header: 'Basic YWxpY2U6aHVudGVyMg==' },
      }),
    ).rejects.toBeInstanceOf(SecretInEventError);
  });

  it('writes nothing when it refuses', async () => {
    await appendEvent(home, {
      action: 'key.created',
      details: { apiKey: 'x' },
    }).catch(() => undefined);

    expect(await readEvents(home)).toEqual([]);
  });

  it('lets fingerprints and ids through', async () => {
    await appendEvent(home, {
      action: 'key.revealed',
      keyId: 'k_abcdefghijklmnop',
      fingerprint: 'sha256:0123456789abcdef',
      details: { purpose: 'reveal' },
    });

    expect(await verifyEventLog(home)).toEqual({ ok: true, count: 1 });
  });
});
