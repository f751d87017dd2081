import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKeytarStore,
  fingerprintKey,
  openVault,
  readEvents,
  readMetadata,
  verifyEventLog,
  type SecretStore,
} from '../../src/vault';
import { folderSecretStore } from '../../src/vault/folder-keychain';
import { removeDataFolder } from '../support/data-folder';
import { bundleChild, startChild } from './support/children';

/**
 * A process storing, importing, revoking and deleting keys is killed with
 * SIGKILL at random moments, over and over, on the real keychain (the
 * private keyring session): each kill must leave metadata that parses, an
 * event log that verifies up to its last whole entry, and a keychain that
 * `reconcile` fully accounts for. Each lane then repairs, as a user would
 * after a crash, and the next process carries on in the same vault.
 */

// Two lanes side by side, each with its own data folder and keychain service.
const LANES = 2;
// BTCPAY_KEYS_CRASH_KILLS changes the number of kills per lane (e.g. more
// for a soak run).
const KILLS_PER_LANE = Number(process.env['BTCPAY_KEYS_CRASH_KILLS'] ?? 100);
/** The kill lands this long (at most) after the child is ready. */
const MAX_KILL_DELAY_MS = 400;

type JournalEntry = {
  op: 'store' | 'revoke' | 'delete';
  phase: 'begin' | 'end';
  fingerprint?: string;
  keyId?: string;
};

async function readJournal(file: string): Promise<JournalEntry[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  // A kill can cut the last journal line short; it carries no promise.
  return text
    .split('\n')
    .filter((line) => line.endsWith('}'))
    .map((line) => JSON.parse(line) as JournalEntry);
}

/** Operations begun but not finished when the kill landed. */
function unfinished(journal: JournalEntry[]): JournalEntry[] {
  const ended = new Set(
    journal
      .filter((e) => e.phase === 'end')
      .map((e) => `${e.op}:${e.fingerprint ?? e.keyId}`),
  );
  return journal.filter(
    (e) =>
      e.phase === 'begin' && !ended.has(`${e.op}:${e.fingerprint ?? e.keyId}`),
  );
}

/** The event log after a kill: intact, or only its last line cut short. */
async function expectLogIntactUpToLastEntry(home: string): Promise<void> {
  const verification = await verifyEventLog(home);
  if (verification.ok) return;
  const text = await readFile(path.join(home, 'events.jsonl'), 'utf8');
  const lines = text.split('\n').filter((line) => line !== '');
  expect(verification.problem, verification.message).toBe('unparseable');
  expect(verification.line).toBe(lines.length);
  expect(text.endsWith('\n')).toBe(false);
}

/** Checks one crashed vault against what the journal says was under way. */
async function checkAfterKill(
  home: string,
  store: SecretStore,
  journal: JournalEntry[],
): Promise<void> {
  const document = await readMetadata(home);
  await expectLogIntactUpToLastEntry(home);
  const vault = await openVault({ home, secretStore: store });
  const report = await vault.reconcile({ repair: false });
  // The folder's own entries, by key id, as the vault names them.
  const keychain = folderSecretStore(store, home);
  const accounts = new Set(await keychain.accounts());
  const recordIds = new Set(document.keys.map((key) => key.id));
  const interrupted = unfinished(journal);

  // Every secret is either known to the metadata or reported as an orphan,
  // and an orphan can only come from a store cut between its two writes.
  for (const account of accounts) {
    if (recordIds.has(account)) continue;
    expect(report.secretsWithoutMetadata).toContain(account);
    const secret = await keychain.get(account);
    const fingerprint = fingerprintKey(secret ?? '');
    expect(
      interrupted.some(
        (e) => e.op === 'store' && e.fingerprint === fingerprint,
      ),
      `orphan ${account} matches no interrupted store`,
    ).toBe(true);
  }
  // A live record without its secret is reported, and only an interrupted
  // revoke or delete (which drop the secret first) may leave one.
  for (const key of document.keys) {
    if (key.revokedAt !== null || accounts.has(key.id)) continue;
    expect(report.metadataWithoutSecret).toContain(key.id);
    expect(
      interrupted.some((e) => e.op !== 'store' && e.keyId === key.id),
      `key ${key.id} lost its secret outside a revoke or delete`,
    ).toBe(true);
  }
  await expectFinishedWorkRecorded(home, document.keys, journal);
}

/** What the child saw finish is in the metadata and the event log. */
async function expectFinishedWorkRecorded(
  home: string,
  keys: { id: string; revokedAt: string | null }[],
  journal: JournalEntry[],
): Promise<void> {
  const events = await readEvents(home);
  const byId = new Map(keys.map((key) => [key.id, key]));
  const logged = (action: string, keyId: string | undefined) =>
    events.some((e) => e.action === action && e.keyId === keyId);
  for (const entry of journal.filter((e) => e.phase === 'end')) {
    const key = byId.get(entry.keyId ?? '');
    if (entry.op === 'store') {
      const touchedLater = journal.some(
        (e) => e.op !== 'store' && e.keyId === entry.keyId,
      );
      if (!touchedLater)
        expect(key, `stored key ${entry.keyId} vanished`).toBeDefined();
      expect(events.some((e) => e.fingerprint === entry.fingerprint)).toBe(
        true,
      );
    }
    if (entry.op === 'revoke') {
      expect(key?.revokedAt ?? null).not.toBeNull();
      expect(logged('key.revoked', entry.keyId), 'revoke not logged').toBe(
        true,
      );
    }
    if (entry.op === 'delete') {
      expect(key).toBeUndefined();
      expect(logged('key.deleted', entry.keyId), 'delete not logged').toBe(
        true,
      );
    }
  }
}

type Lane = {
  home: string;
  store: SecretStore;
  kills: number;
  /** Kills that landed while an operation was under way. */
  midOperation: number;
  repairs: number;
};

async function runLane(
  bundle: string,
  lane: Lane,
  service: string,
): Promise<void> {
  for (let round = 0; round < KILLS_PER_LANE; round += 1) {
    const journal = path.join(lane.home, `..`, `journal-${round}.jsonl`);
    const running = startChild(bundle, [lane.home, service, journal]);
    const ready = await running.printed('ready');
    expect(ready, running.stderr()).toBe(true);
    await new Promise((r) => setTimeout(r, Math.random() * MAX_KILL_DELAY_MS));
    running.child.kill('SIGKILL');
    const exit = await running.exited;
    expect(exit.signal, running.stderr()).toBe('SIGKILL');
    lane.kills += 1;

    // The dead child's lock would clear itself after 10 s of staleness;
    // the test stands in for that wait, as the lock tests cover it.
    await rm(path.join(lane.home, 'vault.lock'), {
      recursive: true,
      force: true,
    });
    const entries = await readJournal(journal);
    if (unfinished(entries).length > 0) lane.midOperation += 1;
    await checkAfterKill(lane.home, lane.store, entries);

    // Repair as a user would, so the next round starts from a clean vault.
    const vault = await openVault({ home: lane.home, secretStore: lane.store });
    const found = await vault.reconcile({ repair: false });
    const dirty =
      found.secretsWithoutMetadata.length + found.metadataWithoutSecret.length;
    if (dirty === 0) continue;
    lane.repairs += 1;
    await vault.reconcile({ repair: true, deleteOrphans: true });
    const after = await vault.reconcile({ repair: false });
    expect(after.secretsWithoutMetadata).toEqual([]);
    expect(after.metadataWithoutSecret).toEqual([]);
  }
}

describe('a vault whose process is killed at random moments', () => {
  let bundle: string;
  let scratch: string;
  const lanes: (Lane & { service: string })[] = [];

  beforeAll(async () => {
    bundle = await bundleChild('vault-worker');
    scratch = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-crash-'));
    for (let index = 0; index < LANES; index += 1) {
      const service = `btcpay-key-manager-crash-${process.pid}-${index}`;
      lanes.push({
        home: path.join(scratch, `lane-${index}`, 'home'),
        store: createKeytarStore({ service, timeoutMs: 20_000 }),
        service,
        kills: 0,
        midOperation: 0,
        repairs: 0,
      });
    }
  });

  afterAll(async () => {
    for (const lane of lanes) {
      for (const account of await lane.store.accounts()) {
        await lane.store.delete(account);
      }
    }
    await rm(bundle, { force: true });
    await removeDataFolder(scratch);
  });

  it('keeps metadata readable, the log verifiable and every secret accounted for after each SIGKILL', async () => {
    await Promise.all(lanes.map((lane) => runLane(bundle, lane, lane.service)));
    const total = (count: (lane: Lane) => number) =>
      lanes.reduce((sum, lane) => sum + count(lane), 0);
    const kills = total((lane) => lane.kills);
    expect(kills).toBe(LANES * KILLS_PER_LANE);
    // Stored keys survive: the vaults hold records after all the killing.
    for (const lane of lanes) {
      expect((await readMetadata(lane.home)).keys.length).toBeGreaterThan(0);
    }
    console.log(
      `crash consistency: ${kills} kills, ${total((l) => l.midOperation)} ` +
        `mid-operation, ${total((l) => l.repairs)} needed a repair`,
    );
    // The kills did land inside writes, not only between them: most cut an
    // operation short, and some between its keychain and its file write.
    expect(total((lane) => lane.midOperation)).toBeGreaterThan(kills / 2);
    expect(total((lane) => lane.repairs)).toBeGreaterThan(0);
  }, 420_000); // a hang guard only: the kills take about two minutes
});
