import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKeytarStore,
  KeychainError,
  openVault,
  type KeytarBackend,
} from '../../src/vault';
import { recordTestSecret } from '../support/secrets';
import { ensureFreshBuild } from '../cli/run-cli';
import { bundleChild, startChild } from './support/children';

/**
 * The keychain failing in each way a merchant can meet: no session bus, the
 * Secret Service dying mid-run, a locked collection, and a keychain slower
 * than the timeout. Each must end in a KeychainError that names the cause,
 * with the metadata untouched and no secret left behind.
 */

type FaultReport = {
  scenario: string;
  error: { name: string; reason: string; message: string } | null;
  metadataUnchanged: boolean;
  keysInMetadata: number;
  storedBefore?: string;
  killedDaemon?: boolean;
};

const CLI = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  'bin',
  'btcpay-keys.mjs',
);

let bundle: string;
let scratch: string;

beforeAll(async () => {
  await ensureFreshBuild();
  bundle = await bundleChild('keychain-fault');
  scratch = await mkdtemp(
    path.join(os.tmpdir(), 'btcpay-keys-keychain-fault-'),
  );
});
afterAll(async () => {
  await rm(bundle, { force: true });
});

/** Runs the fault child, in a private D-Bus session if asked; its report. */
async function runFault(
  scenario: string,
  env: NodeJS.ProcessEnv,
  inPrivateSession: boolean,
): Promise<Record<string, unknown>> {
  const home = path.join(
    scratch,
    `${scenario}-${randomBytes(4).toString('hex')}`,
  );
  const running = startChild(bundle, [scenario, home], {
    env: {
      ...env,
      XDG_DATA_HOME: path.join(home, 'keyring-data'),
      FAULT_GET_AFTER: inPrivateSession ? '1' : '0',
      FAULT_LIST_AFTER: inPrivateSession ? '1' : '0',
      FAULT_CLI: inPrivateSession ? CLI : '',
    },
    wrapper: inPrivateSession ? ['dbus-run-session', '--'] : [],
  });
  const timer = setTimeout(() => running.child.kill('SIGKILL'), 60_000);
  const exit = await running.exited;
  clearTimeout(timer);
  expect(exit.signal, running.stderr()).toBeNull();
  // One JSON line per step; together they make the report.
  return Object.assign(
    {},
    ...running
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  ) as Record<string, unknown>;
}

/** `btcpay-keys reconcile` exited by itself, with the keychain's exit code. */
function expectCliExplains(cli: unknown): void {
  const run = cli as {
    status: number | null;
    signal: string | null;
    stderr: string;
  };
  expect(run.signal, run.stderr).toBeNull();
  expect(run.status, run.stderr).toBe(3);
  expect(run.stderr).toMatch(/Secret Service/);
}

function expectCleanFailure(report: FaultReport, reasons: string[]): void {
  expect(report.error?.name).toBe('KeychainError');
  expect(reasons).toContain(report.error?.reason);
  expect(report.error?.message).toMatch(/Secret Service/);
  expect(report.metadataUnchanged).toBe(true);
}

describe('the vault when the keychain fails', () => {
  it('explains a missing session bus and stores nothing', async () => {
    const dead = await runFault(
      'no-bus',
      {
        ...process.env,
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${scratch}/no-bus`,
      },
      false,
    );
    const unset = { ...process.env };
    delete unset['DBUS_SESSION_BUS_ADDRESS'];
    delete unset['DISPLAY'];
    const none = await runFault('no-bus', unset, false);
    for (const report of [dead, none]) {
      expectCleanFailure(report as FaultReport, ['unavailable']);
      expect(report['keysInMetadata']).toBe(0);
      expect((report as FaultReport).error?.message).toMatch(/D-Bus/);
    }
  });

  it('explains a Secret Service that died mid-run and leaves no secret behind', async () => {
    const report = await runFault('service-gone', process.env, true);
    expect(report['killedDaemon']).toBe(true);
    expectCleanFailure(report as FaultReport, [
      'unavailable',
      'locked',
      'timeout',
    ]);
    // Only the key stored before the daemon died is recorded.
    expect(report['keysInMetadata']).toBe(1);
    // Whatever answers afterwards, reading and listing fail clearly.
    expect(String(report['got'])).toMatch(/^KeychainError/);
    expect(String(report['accounts'])).toMatch(/^KeychainError/);
    expectCliExplains(report['cli']);
    // Once a keyring answers again, it holds the first key and nothing else.
    expect(report['unlocked']).toEqual([report['storedBefore']]);
  });

  it('explains a locked collection instead of losing a key or crashing', async () => {
    const report = await runFault('locked', process.env, true);
    // Told over the app's own D-Bus connection, with no D-Bus tool to run.
    expect(report['lockedWithoutDbusTools']).toBe(true);
    expectCleanFailure(report as FaultReport, ['locked']);
    expect(report['keysInMetadata']).toBe(1);
    // A locked key is not a missing key: reading it says locked.
    expect(String(report['got'])).toMatch(/KeychainError: .* is locked/);
    // Listing (reconcile, audit) says locked instead of a SIGSEGV.
    expect(String(report['accounts'])).toMatch(/KeychainError: .* is locked/);
    expectCliExplains(report['cli']);
    expect(JSON.stringify(report['cli'])).toMatch(/locked/i);
    // Unlocked again, the keyring holds the first key and no orphan.
    expect(report['unlocked']).toEqual([report['storedBefore']]);
  });

  it('gives up on a keychain slower than its timeout and leaves no orphan', async () => {
    const real = createRequire(import.meta.url)('keytar') as KeytarBackend;
    const delayMs = 1_500;
    const slow: KeytarBackend = {
      ...real,
      setPassword: async (service, account, password) => {
        await new Promise((r) => setTimeout(r, delayMs));
        return real.setPassword(service, account, password);
      },
      findCredentials: (service) => real.findCredentials(service),
      getPassword: (service, account) => real.getPassword(service, account),
      deletePassword: (service, account) =>
        real.deletePassword(service, account),
    };
    const service = `btcpay-key-manager-slow-${process.pid}`;
    const store = createKeytarStore({ service, backend: slow, timeoutMs: 300 });
    const vault = await openVault({
      home: path.join(scratch, 'slow'),
      secretStore: store,
    });
    const server = await vault.addServer({
      baseUrl: 'https://btcpay.example.com/',
      name: 'Slow keychain shop',
      mintMethod: 'authorize',
    });
    const before = JSON.stringify(await vault.metadata());
    try {
      const failure = await vault
        .storeKey({
          secret: recordTestSecret(randomBytes(20).toString('hex'), 'api-key'),
          serverId: server.id,
          label: 'Slow key',
          grantedPermissions: [],
          origin: { kind: 'imported' },
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(KeychainError);
      expect((failure as KeychainError).reason).toBe('timeout');
      expect((failure as KeychainError).message).toMatch(
        /did not answer in time/,
      );
      expect(JSON.stringify(await vault.metadata())).toBe(before);

      // The late write still lands in the keychain; it must not stay there.
      await new Promise((r) => setTimeout(r, delayMs + 1_000));
      expect(await real.findCredentials(service)).toEqual([]);
    } finally {
      for (const { account } of await real.findCredentials(service)) {
        await real.deletePassword(service, account);
      }
    }
  });
});
