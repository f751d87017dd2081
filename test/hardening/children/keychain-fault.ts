// Meets one keychain fault inside whatever D-Bus session it was started in,
// and prints one JSON line saying what the vault did about it.
//   node keychain-fault.js SCENARIO HOME
// Scenarios: no-bus (run with a dead bus address), service-gone and locked
// (run inside a private dbus-run-session; this script starts and breaks its
// own gnome-keyring there).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createKeytarStore,
  KEYCHAIN_SERVICE,
  openVault,
} from '../../../src/vault';
import { folderSecretStore } from '../../../src/vault/folder-keychain';
import { hasLockedItems } from '../../../src/vault/locked-items';
import { recordTestSecret } from '../../support/secrets';

const [scenario = '', home = ''] = process.argv.slice(2);
// The app's own keychain service: the keyring here is private to this
// session, and the command line run below must see the same entries.
const store = createKeytarStore({ timeoutMs: 4_000 });
const vault = await openVault({ home, secretStore: store });
/** The data folder's entries, by key id, as the vault names them. */
const ownEntries = () => folderSecretStore(store, home).accounts();
const server = await vault.addServer({
  baseUrl: 'https://btcpay.example.com/',
  name: 'Fault shop',
  mintMethod: 'authorize',
});

const newSecret = (): string =>
  recordTestSecret(randomBytes(20).toString('hex'), 'api-key');

function storeOne() {
  return vault.storeKey({
    secret: newSecret(),
    serverId: server.id,
    label: 'Fault key',
    grantedPermissions: ['btcpay.store.canviewinvoices'],
    origin: { kind: 'imported' },
  });
}

/** Asks the bus which process owns the Secret Service name. */
function secretServicePid(): number {
  const reply = execFileSync('dbus-send', [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.GetConnectionUnixProcessID',
    'string:org.freedesktop.secrets',
  ]).toString();
  return Number(/uint32 (\d+)/.exec(reply)?.[1] ?? NaN);
}

function lockLoginCollection(): void {
  execFileSync('dbus-send', [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.secrets',
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.Lock',
    'array:objpath:/org/freedesktop/secrets/collection/login',
  ]);
}

/** Runs `task` with a PATH that finds no program, dbus-send included. */
async function withoutPrograms<T>(task: () => Promise<T>): Promise<T> {
  const savedPath = process.env['PATH'];
  const empty = mkdtempSync(path.join(os.tmpdir(), 'no-programs-'));
  process.env['PATH'] = empty;
  try {
    return await task();
  } finally {
    process.env['PATH'] = savedPath;
    rmSync(empty, { recursive: true, force: true });
  }
}

const report: Record<string, unknown> = { scenario };
if (scenario !== 'no-bus') {
  // A fresh, unlocked keyring in this private session.
  execFileSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], {
    input: 'fault-keyring-password',
  });
  const first = await storeOne();
  report['storedBefore'] = first.id;
  if (scenario === 'service-gone') {
    const pid = secretServicePid();
    process.kill(pid, 'SIGKILL');
    report['killedDaemon'] = Number.isInteger(pid);
  }
  if (scenario === 'locked') {
    lockLoginCollection();
    report['lockedWithoutDbusTools'] = await withoutPrograms(() =>
      hasLockedItems(KEYCHAIN_SERVICE, 4_000),
    );
  }
}

const before = JSON.stringify(await vault.metadata());
try {
  await storeOne();
  report['error'] = null;
} catch (error) {
  const failure = error as { name?: string; reason?: string; message?: string };
  report['error'] = {
    name: failure.name,
    reason: failure.reason,
    message: failure.message,
  };
}
report['metadataUnchanged'] = JSON.stringify(await vault.metadata()) === before;
report['keysInMetadata'] = (await vault.metadata()).keys.length;
process.stdout.write(`${JSON.stringify(report)}\n`);
const cli = process.env['FAULT_CLI'];
if (cli) {
  // What a merchant sees running reconcile in this state.
  const run = spawnSync(process.execPath, [cli, 'reconcile'], {
    env: { ...process.env, BTCPAY_KEYS_HOME: home },
    encoding: 'utf8',
    timeout: 30_000,
  });
  process.stdout.write(
    `${JSON.stringify({ cli: { status: run.status, signal: run.signal, stderr: run.stderr } })}\n`,
  );
}
if (process.env['FAULT_GET_AFTER'] === '1') {
  const got = await folderSecretStore(store, home)
    .get(String(report['storedBefore']))
    .then((value) => (value === null ? 'null' : 'value'), String);
  process.stdout.write(`${JSON.stringify({ got })}\n`);
}
if (process.env['FAULT_LIST_AFTER'] === '1') {
  const accounts = await ownEntries().catch(String);
  process.stdout.write(`${JSON.stringify({ accounts })}\n`);
  // A fresh, unlocked daemon on the same keyring shows what is really in it.
  execFileSync(
    'gnome-keyring-daemon',
    ['--replace', '--unlock', '--components=secrets'],
    { input: 'fault-keyring-password', stdio: ['pipe', 'ignore', 'ignore'] },
  );
  const unlocked = await ownEntries().catch(String);
  process.stdout.write(`${JSON.stringify({ unlocked })}\n`);
}
// A keychain call stuck in native code can keep the process alive; the test
// ends it once it has read the report.
