import type { SecretStore } from '../src/vault';

/** A SecretStore that counts every call, to prove a path never uses it. */
export interface CountingStore extends SecretStore {
  readonly calls: {
    set: number;
    get: number;
    delete: number;
    accounts: number;
  };
  total(): number;
}

/** Wraps `inner` (an in-memory map when absent) and counts calls. */
export function countingStore(inner?: SecretStore): CountingStore {
  const secrets = new Map<string, string>();
  const backend: SecretStore = inner ?? {
    set: async (account, secret) => void secrets.set(account, secret),
    get: async (account) => secrets.get(account) ?? null,
    delete: async (account) => secrets.delete(account),
    accounts: async () => [...secrets.keys()],
  };
  const calls = { set: 0, get: 0, delete: 0, accounts: 0 };
  return {
    calls,
    total: () => calls.set + calls.get + calls.delete + calls.accounts,
    set: (account, secret) => {
      calls.set += 1;
      return backend.set(account, secret);
    },
    get: (account) => {
      calls.get += 1;
      return backend.get(account);
    },
    delete: (account) => {
      calls.delete += 1;
      return backend.delete(account);
    },
    accounts: () => {
      calls.accounts += 1;
      return backend.accounts();
    },
  };
}
