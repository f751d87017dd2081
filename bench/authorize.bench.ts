import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { runAuthorizeFlow, type AuthorizeFlowResult } from '../src/authorize';
import {
  createGreenfieldClient,
  type GreenfieldClient,
} from '../src/greenfield';
import { openVault, type Vault } from '../src/vault';
import { startSandbox, type Sandbox } from '../test/sandbox/index';
import { benchSecretStore } from './keychain-store';
import { createBenchVault } from './fixtures';
import { measure, round } from './stats';
import { judge, type BenchRow } from './result';

/**
 * The authorize callback: from the moment the browser posts BTCPay's form
 * to the loopback receiver until the key is verified and stored. The
 * sandbox answers without added latency and the time spent inside its
 * requests is measured on the client side and subtracted.
 */

const GOAL_MS = 20;
const PERMISSIONS = [
  'btcpay.store.canviewinvoices',
  'btcpay.store.cancreateinvoice',
];

/** A client whose calls add their duration to `spent.ms`. */
function timedClient(baseUrl: string, spent: { ms: number }): GreenfieldClient {
  const client = createGreenfieldClient({ baseUrl });
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(
            target,
            args,
          );
        } finally {
          spent.ms += performance.now() - started;
        }
      };
    },
  });
}

/** Posts the form as BTCPay's auto-submitting page makes the browser do. */
async function postCallback(
  redirect: string,
  apiKey: string,
  userId: string,
): Promise<void> {
  const form = new URLSearchParams({ apiKey, userId });
  for (const permission of PERMISSIONS)
    form.append('permissions[]', permission);
  const answer = await request(redirect, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'null',
    },
    body: form.toString(),
  });
  await answer.body.dump();
}

/** One flow: start it (untimed), then time post → stored, minus server time. */
async function oneCallback(vault: Vault, sandbox: Sandbox): Promise<number> {
  const spent = { ms: 0 };
  let timedFrom = 0;
  let serverBefore = 0;
  const user = sandbox.users.find((u) => u.email === 'merchant@sandbox.test');
  if (!user) throw new Error('The sandbox has no merchant.');
  const flow: Promise<AuthorizeFlowResult> = runAuthorizeFlow({
    vault,
    serverUrl: sandbox.url,
    request: {
      applicationName: 'Bench shop',
      permissions: PERMISSIONS,
      strict: true,
      selectiveStores: false,
    },
    clientFactory: (baseUrl) => timedClient(baseUrl, spent),
    openBrowser: async (url) => {
      const redirect = new URL(url).searchParams.get('redirect');
      if (!redirect) throw new Error('The authorize URL has no redirect.');
      const apiKey = sandbox.admin.mintKey(
        user.email,
        PERMISSIONS,
        'Bench shop',
      );
      serverBefore = spent.ms;
      timedFrom = performance.now();
      void postCallback(redirect, apiKey, user.id);
      return true;
    },
  });
  const result = await flow;
  const elapsed = performance.now() - timedFrom;
  if (result.outcome !== 'stored')
    throw new Error(`The flow ended as ${result.outcome}.`);
  return elapsed - (spent.ms - serverBefore);
}

/** Runs the authorize benchmark with an empty vault and with 10,000 keys. */
export async function benchAuthorize(
  log: (line: string) => void,
): Promise<BenchRow[]> {
  const sandbox = await startSandbox({ latencyMs: 0 });
  const { store, real } = benchSecretStore();
  const rows: BenchRow[] = [];
  try {
    for (const existingKeys of [0, 1_000, 10_000]) {
      log(`authorize: callback with ${existingKeys} keys stored`);
      const bench =
        existingKeys === 0
          ? null
          : await createBenchVault({ keys: existingKeys, events: 0 });
      const home =
        bench?.home ??
        (await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-bench-auth-')));
      try {
        const vault = await openVault({ home, secretStore: store });
        const timings = await measure(
          {
            callback: async () => ({
              overriddenDuration: await oneCallback(vault, sandbox),
            }),
          },
          { iterations: existingKeys >= 10_000 ? 8 : 20, warmupIterations: 2 },
        );
        rows.push(authorizeRow(existingKeys, timings['callback'], real));
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    }
  } finally {
    await cleanKeychain(store, real);
    await sandbox.close();
  }
  return rows;
}

async function cleanKeychain(
  store: ReturnType<typeof benchSecretStore>['store'],
  real: boolean,
) {
  if (!real) return;
  for (const account of await store.accounts()) await store.delete(account);
}

function authorizeRow(
  existingKeys: number,
  timing: BenchRow['timing'],
  real: boolean,
): BenchRow {
  if (!timing) throw new Error('No authorize timing.');
  const goal =
    existingKeys === 0
      ? { kind: 'ms' as const, max: GOAL_MS }
      : { kind: 'report' as const };
  return {
    id: `authorize-${existingKeys}`,
    operation: `Authorize callback to verified-and-stored key, server time excluded (${existingKeys.toLocaleString('en')} keys already stored)`,
    goal,
    value: round(timing.median, 1),
    met: judge(goal, timing.median),
    timing,
    details: {
      keychain: real ? 'gnome-keyring (Secret Service)' : 'in-memory',
      sandboxLatencyMs: 0,
    },
  };
}
