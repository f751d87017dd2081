import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  METADATA_VERSION,
  MIGRATIONS,
  MetadataError,
  readMetadata,
  updateMetadata,
  vaultFiles,
  VaultBusyError,
  verifyEventLog,
  type Migration,
} from '../../src/vault';
import { runChild, tempHome } from './helpers';

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ home, cleanup } = await tempHome()));
afterEach(() => cleanup());

const server = (id: string) => ({
  id,
  baseUrl: `http://127.0.0.1/${id}/`,
  name: id,
  mintMethod: 'authorize' as const,
  userId: null,
  email: null,
  serverVersion: null,
  managerKeyId: null,
  addedAt: new Date().toISOString(),
});

describe('readMetadata', () => {
  it('starts with an empty document when nothing was stored yet', async () => {
    const document = await readMetadata(home);
    expect(document).toMatchObject({
      version: METADATA_VERSION,
      servers: [],
      keys: [],
    });
  });

  it('notices an edit made in place after it read the file', async () => {
    await updateMetadata(home, (draft) => {
      draft.servers.push(server('shop-a'));
    });
    expect((await readMetadata(home)).servers[0]?.name).toBe('shop-a');
    const file = vaultFiles(home).metadata;

    // Same length, same inode: only the times and the content change.
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"name": "shop-a"', '"name": "shop-b"'));

    expect((await readMetadata(home)).servers[0]?.name).toBe('shop-b');
  });

  it('checks a changed file once for all the reads waiting on it', async () => {
    await updateMetadata(home, (draft) => {
      draft.servers.push(server('shop-a'));
    });
    const file = vaultFiles(home).metadata;
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"name": "shop-a"', '"name": "shop-b"'));

    // Changed behind this process's back: one load serves every reader.
    const readers = await Promise.all(
      Array.from({ length: 20 }, () => readMetadata(home)),
    );
    expect(readers[0]?.servers[0]?.name).toBe('shop-b');
    for (const document of readers) expect(document).toBe(readers[0]);
  });

  it('notices a file that breaks the schema even after reading it fine', async () => {
    await updateMetadata(home, (draft) => {
      draft.servers.push(server('shop-a'));
    });
    await readMetadata(home);
    const file = vaultFiles(home).metadata;
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text.replace('"mintMethod": "authorize"', '"mintMethod": "sorcery"'),
    );

    await expect(readMetadata(home)).rejects.toMatchObject({
      problem: 'invalid-schema',
    });
  });

  it('hands out a document that cannot be edited behind the lock', async () => {
    await updateMetadata(home, (draft) => {
      draft.servers.push(server('shop-a'));
    });
    const document = await readMetadata(home);

    expect(() => {
      (document.servers[0] as { name: string }).name = 'renamed';
    }).toThrow(TypeError);
    expect((await readMetadata(home)).servers[0]?.name).toBe('shop-a');
  });

  it('sets a file that is not JSON aside and says where it went', async () => {
    const file = vaultFiles(home).metadata;
    await writeFile(file, '{"version": 1, "servers": [');

    const error = await readMetadata(home).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MetadataError);
    const { problem, setAsideAs, message } = error as MetadataError;
    expect(problem).toBe('invalid-json');
    expect(setAsideAs).toMatch(/metadata\.json\.unreadable-/);
    expect(message).toContain(file);
    expect(message).toContain(setAsideAs);
    expect(await readFile(setAsideAs as string, 'utf8')).toBe(
      '{"version": 1, "servers": [',
    );
    expect((await readMetadata(home)).servers).toEqual([]);
  });

  it('sets a file that breaks the schema aside, naming the bad field', async () => {
    await writeFile(
      vaultFiles(home).metadata,
      JSON.stringify({ version: 1, servers: [{ id: 's_1' }], keys: [] }),
    );

    const error = (await readMetadata(home).catch(
      (e: unknown) => e,
    )) as MetadataError;

    expect(error.problem).toBe('invalid-schema');
    expect(error.reason).toMatch(/servers\.0\./);
    expect(error.setAsideAs).not.toBeNull();
  });

  it('never overwrites an earlier set-aside file', async () => {
    const file = vaultFiles(home).metadata;
    await writeFile(file, 'first');
    const first = (await readMetadata(home).catch(
      (e: unknown) => e,
    )) as MetadataError;
    await writeFile(file, 'second');
    const second = (await readMetadata(home).catch(
      (e: unknown) => e,
    )) as MetadataError;

    expect(second.setAsideAs).not.toBe(first.setAsideAs);
    expect(await readFile(first.setAsideAs as string, 'utf8')).toBe('first');
    expect(await readFile(second.setAsideAs as string, 'utf8')).toBe('second');
  });

  it('leaves a file from a newer version in place and asks for an update', async () => {
    const file = vaultFiles(home).metadata;
    const newer = JSON.stringify({
      version: METADATA_VERSION + 1,
      servers: [],
    });
    await writeFile(file, newer);

    const error = (await readMetadata(home).catch(
      (e: unknown) => e,
    )) as MetadataError;

    expect(error.problem).toBe('newer-version');
    expect(error.setAsideAs).toBeNull();
    expect(error.message).toMatch(/left as it is/);
    expect(error.nextStep).toMatch(/^Update BTCPay Key Manager/);
    expect(await readFile(file, 'utf8')).toBe(newer);
  });

  it('reads a file an editor saved with a UTF-8 byte-order mark', async () => {
    await updateMetadata(home, (draft) => {
      draft.servers.push(server('shop-bom'));
    });
    const file = vaultFiles(home).metadata;
    await writeFile(file, `\uFEFF${await readFile(file, 'utf8')}`);

    expect((await readMetadata(home)).servers[0]?.name).toBe('shop-bom');
    expect(await readdir(home)).not.toContainEqual(
      expect.stringMatching(/unreadable/),
    );
  });

  it('leaves a folder in the file’s place alone and says to move it', async () => {
    const file = vaultFiles(home).metadata;
    await mkdir(file);

    const error = (await readMetadata(home).catch(
      (e: unknown) => e,
    )) as MetadataError;

    expect(error.problem).toBe('not-a-file');
    expect(error.setAsideAs).toBeNull();
    expect(error.message).toContain('it is a folder');
    expect(error.nextStep).toMatch(/^Move or rename it/);
    expect(error.nextStep).not.toContain('chmod');
    expect(await readdir(home)).toContain('metadata.json');
  });

  it('upgrades an older document through the migration table', async () => {
    // A made-up version 0 that kept servers in a map keyed by URL.
    const fromV0: Migration = (document) => ({
      version: 1,
      servers: Object.entries(document['hosts'] as Record<string, string>).map(
        ([url, name], index) => ({
          ...server(`s_${index}`),
          baseUrl: url,
          name,
        }),
      ),
      keys: [],
    });
    await writeFile(
      vaultFiles(home).metadata,
      JSON.stringify({
        version: 0,
        hosts: { 'http://127.0.0.1/a/': 'Shop A' },
      }),
    );

    const document = await readMetadata(home, {
      migrations: { ...MIGRATIONS, 0: fromV0 },
    });

    expect(document.version).toBe(METADATA_VERSION);
    expect(document.servers).toEqual([
      expect.objectContaining({
        baseUrl: 'http://127.0.0.1/a/',
        name: 'Shop A',
      }),
    ]);
  });

  it('sets aside a document no migration can upgrade', async () => {
    await writeFile(vaultFiles(home).metadata, JSON.stringify({ version: 0 }));

    const error = (await readMetadata(home, { migrations: {} }).catch(
      (e: unknown) => e,
    )) as MetadataError;

    expect(error.reason).toMatch(/no upgrade is known from version 0/);
    expect(error.setAsideAs).not.toBeNull();
  });
});

describe('updateMetadata', () => {
  it('writes the whole document and leaves no temporary file behind', async () => {
    await updateMetadata(home, (draft) => {
      draft.servers.push(server('s_a'));
    });

    const text = await readFile(vaultFiles(home).metadata, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ servers: [{ id: 's_a' }] });
    const leftovers = (await readdir(home)).filter((name) =>
      name.startsWith('metadata.json.'),
    );
    expect(leftovers).toEqual([]);
  });

  it('writes nothing when the change throws', async () => {
    await updateMetadata(
      home,
      (draft) => void draft.servers.push(server('s_a')),
    );

    await expect(
      updateMetadata(home, (draft) => {
        draft.servers = [];
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');

    expect((await readMetadata(home)).servers).toHaveLength(1);
  });

  it('refuses to write a document that breaks the schema', async () => {
    await expect(
      updateMetadata(home, (draft) => {
        (draft.servers as unknown[]).push({ id: 's_broken' });
      }),
    ).rejects.toThrow();

    expect((await readMetadata(home)).servers).toEqual([]);
  });

  it('takes over a lock left behind by a process that died', async () => {
    const lock = vaultFiles(home).lock;
    await mkdir(lock);
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lock, longAgo, longAgo);

    await updateMetadata(
      home,
      (draft) => void draft.servers.push(server('s_a')),
    );

    expect((await readMetadata(home)).servers).toHaveLength(1);
  });

  it('tells the user when another process holds the lock for too long', async () => {
    const lock = vaultFiles(home).lock;
    await mkdir(lock);
    // A live holder refreshes its lock; keep it fresh while we wait.
    const refresh = setInterval(() => {
      const now = new Date();
      void utimes(lock, now, now).catch(() => undefined);
    }, 1000);

    const error = await updateMetadata(home, () => undefined).catch(
      (e: unknown) => e,
    );
    clearInterval(refresh);

    expect(error).toBeInstanceOf(VaultBusyError);
    expect((error as Error).message).toContain(home);
  }, 90_000);

  it('loses no update when two processes write at the same time', async () => {
    const [first, second] = await Promise.all([
      runChild('metadata-writer.ts', [home, 'app', '50']),
      runChild('metadata-writer.ts', [home, 'cli', '50']),
    ]);
    expect(first.stderr).toBe('');
    expect(second.stderr).toBe('');

    const document = await readMetadata(home);
    const names = new Set(document.servers.map((s) => s.name));
    expect(document.servers).toHaveLength(100);
    for (let index = 0; index < 50; index += 1) {
      expect(names.has(`app-${index}`) && names.has(`cli-${index}`)).toBe(true);
    }
    // Both processes logged each addition in one unbroken chain.
    expect(await verifyEventLog(home)).toEqual({ ok: true, count: 100 });
  }, 120_000);
});
