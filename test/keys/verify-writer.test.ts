import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KeyVerification } from '../../src/keys/verify';
import { resultWriter } from '../../src/keys/verify-writer';
import type { Vault } from '../../src/vault';
import type { KeyRecord } from '../../src/vault/schema';

// How verification results reach the vault: in batches, so a run over
// hundreds of keys does not lock, sync and check the metadata once per key.
// A vault double counts the writes; batching is all that is under test.

/** A vault that only records the size of each verification write. */
function countingVault(): { vault: Vault; batches: number[] } {
  const batches: number[] = [];
  const vault = {
    recordVerifications: async (entries: unknown[]) => {
      batches.push(entries.length);
    },
    log: async () => undefined,
  } as unknown as Vault;
  return { vault, batches };
}

function checked(n: number): [KeyRecord, KeyVerification] {
  const key = { id: `k_${n}`, serverId: 's1', fingerprint: 'f' };
  const verification: KeyVerification = {
    keyId: key.id,
    serverId: 's1',
    label: `Key ${n}`,
    result: 'valid',
    permissions: [],
    drift: null,
    message: null,
    keychainProblem: null,
  };
  return [key as KeyRecord, verification];
}

/** Lets queued promise work run; the writer's timer stays frozen. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('resultWriter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes as soon as 250 results are waiting, without waiting for the timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { vault, batches } = countingVault();
    const writer = resultWriter(vault);

    for (let n = 0; n < 249; n += 1) writer.add(...checked(n));
    await settle();
    expect(batches).toEqual([]);

    writer.add(...checked(249));
    await settle();
    expect(batches).toEqual([250]);

    for (let n = 250; n < 260; n += 1) writer.add(...checked(n));
    await writer.flushed();
    expect(batches).toEqual([250, 10]);
  });

  it('writes a short run once its timer fires', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { vault, batches } = countingVault();
    const writer = resultWriter(vault);

    for (let n = 0; n < 3; n += 1) writer.add(...checked(n));
    await settle();
    expect(batches).toEqual([]);

    await vi.runAllTimersAsync();
    expect(batches).toEqual([3]);
    await writer.flushed();
    expect(batches).toEqual([3]);
  });
});
