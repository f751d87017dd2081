import { spawn } from 'node:child_process';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditReport } from '../../src/audit';
import { runAuditCommand } from '../../src/cli/commands/audit';
import { ExitCode, type CliContext } from '../../src/cli/context';
import { runCli } from '../../src/cli/program';
import { silentLogger } from '../../src/log/logger';
import { readMetadata as readVaultMetadata } from '../../src/vault/metadata-store';
import {
  cleanKey,
  countingSecretStore,
  daysAgo,
  makeHome,
  metadataOf,
  removeHome,
  server,
  writeVault,
} from './fixtures';

const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const GUARD = path.join(ROOT, 'test/audit/offline-guard.mjs');
const NO_BUS = '/nonexistent/btcpay-keys-test-bus';

let home: string;

beforeEach(async () => {
  home = await makeHome();
  // The command judges at the real clock, so the keys are dated from it:
  // one unrestricted key (high) and one key due for rotation (medium).
  const now = new Date();
  await writeVault(
    home,
    metadataOf(
      [server()],
      [
        cleanKey('k-admin', { grantedPermissions: ['unrestricted'] }, now),
        cleanKey('k-old', { createdAt: daysAgo(400, now) }, now),
      ],
    ),
  );
});
afterEach(() => removeHome(home));

function context(): CliContext & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return {
    stdout,
    stderr,
    stdin: new PassThrough(),
    isTTY: false,
    color: false,
    env: {},
    logger: silentLogger,
    home,
    out: () => out,
    err: () => err,
  };
}

describe('btcpay-keys audit', () => {
  it('prints a JSON report that matches the report schema', async () => {
    const ctx = context();
    expect(await runCli(['audit', '--json'], ctx)).toBe(ExitCode.ok);
    const report = AuditReport.parse(JSON.parse(ctx.out()));
    expect(report.findings.map((f) => f.rule).sort()).toEqual([
      'rotation-due',
      'unrestricted',
    ]);
  });

  it('exits with the findings code at or above --fail-on', async () => {
    const failing = context();
    expect(await runCli(['audit', '--fail-on', 'high'], failing)).toBe(
      ExitCode.findings,
    );
    expect(failing.out()).toContain('unrestricted');
    expect(failing.err()).toContain('1 finding at or above "high"');

    const medium = context();
    expect(
      await runCli(['audit', '--csv', '--fail-on', 'medium'], medium),
    ).toBe(ExitCode.findings);
    expect(medium.err()).toContain('2 findings');

    const passing = context();
    expect(await runCli(['audit', '--fail-on', 'critical'], passing)).toBe(
      ExitCode.ok,
    );
  });

  it('writes the report to --out instead of stdout, readable only by you', async () => {
    const ctx = context();
    const file = path.join(home, 'audit.md');
    expect(await runCli(['audit', '--md', '--out', file], ctx)).toBe(0);
    expect(ctx.out()).toBe('');
    expect(await readFile(file, 'utf8')).toContain('## Inventory');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses two formats, an unknown severity and a broken audit.json', async () => {
    expect(await runCli(['audit', '--json', '--csv'], context())).toBe(
      ExitCode.usage,
    );
    expect(await runCli(['audit', '--fail-on', 'urgent'], context())).toBe(
      ExitCode.usage,
    );

    await writeFile(
      path.join(home, 'audit.json'),
      JSON.stringify({ rotationDays: -3, severity: {} }),
    );
    const ctx = context();
    expect(await runCli(['audit'], ctx)).toBe(ExitCode.usage);
    expect(ctx.err()).toContain(path.join(home, 'audit.json'));
    expect(ctx.err()).toContain('rotationDays');
  });

  it('follows audit.json: a disabled rule and a raised severity', async () => {
    await writeFile(
      path.join(home, 'audit.json'),
      JSON.stringify({
        disabledRules: ['unrestricted'],
        severities: { 'rotation-due': 'critical' },
      }),
    );
    const ctx = context();
    expect(
      await runCli(['audit', '--json', '--fail-on', 'critical'], ctx),
    ).toBe(ExitCode.findings);
    const report = AuditReport.parse(JSON.parse(ctx.out()));
    // The unrestricted key is reported by what that implies instead.
    expect(report.findings.map((f) => [f.rule, f.severity]).sort()).toEqual([
      ['all-stores', 'low'],
      ['moves-funds', 'medium'],
      ['rotation-due', 'critical'],
      ['server-admin', 'high'],
    ]);
  });
});

describe('btcpay-keys audit with settings in audit.json', () => {
  it('states the thresholds, disabled rules and overrides in every format', async () => {
    await writeFile(
      path.join(home, 'audit.json'),
      JSON.stringify({
        disabledRules: ['manager-key', 'unrestricted'],
        rotationDays: 7,
        severities: { 'rotation-due': 'info' },
      }),
    );
    const outputs = new Map<string, string>();
    for (const format of ['', '--md', '--csv', '--json']) {
      const ctx = context();
      expect(await runCli(['audit', ...(format ? [format] : [])], ctx)).toBe(
        ExitCode.ok,
      );
      outputs.set(format, ctx.out());
    }

    expect(outputs.get('')).toContain(
      'Disabled rules: manager-key, unrestricted',
    );
    expect(outputs.get('')).toContain('Rotation due at: 7 days old');
    expect(outputs.get('')).toContain(
      'Severity overrides: rotation-due: info instead of medium',
    );
    expect(outputs.get('--md')).toContain(
      '| Disabled rules | manager-key, unrestricted |',
    );
    expect(outputs.get('--md')).toContain('| Rotation due at | 7 days old |');
    expect(outputs.get('--md')).toContain(
      '| Severity overrides | rotation-due: info instead of medium |',
    );
    const csv = outputs.get('--csv') ?? '';
    expect(csv).toMatch(/^config,.*,threshold,rotation_days,7\r$/m);
    expect(csv).toMatch(/^config,,manager-key,.*,disabled,,\r$/m);
    expect(csv).toMatch(/^config,,unrestricted,.*,disabled,,\r$/m);
    expect(csv).toMatch(/^config,info,rotation-due,.*,severity,,\r$/m);
    const report = AuditReport.parse(JSON.parse(outputs.get('--json') ?? ''));
    expect(report.config.severityOverrides).toEqual([
      { rule: 'rotation-due', severity: 'info', defaultSeverity: 'medium' },
    ]);
  });
});

describe('btcpay-keys audit --out', () => {
  it('refuses a missing folder or a folder as the file, writing nothing', async () => {
    const missing = path.join(home, 'no-such-dir', 'audit.md');
    const folder = path.join(home, 'reports');
    await mkdir(folder);
    const before = await folderSnapshot();

    for (const [out, reason] of [
      [missing, 'its folder does not exist'],
      [folder, 'it is a folder'],
      [path.join(home, 'metadata.json', 'x.md'), 'not a folder'],
    ] as const) {
      for (const args of [
        ['audit', '--md'],
        ['audit', '--schema'],
      ]) {
        const ctx = context();
        expect(await runCli([...args, '--out', out], ctx)).toBe(ExitCode.usage);
        expect(ctx.err()).toContain(`Cannot write the report to ${out}`);
        expect(ctx.err()).toContain(reason);
        expect(ctx.err()).toMatch(/^Next: \S/m);
        expect(ctx.err()).not.toContain('unexpected');
        expect(ctx.out()).toBe('');
      }
    }
    // Not even the atomic writer's temporary file is left next to them.
    expect(await folderSnapshot()).toEqual(before);
    expect(await readdir(folder)).toEqual([]);
  });
});

/** Every file under the data folder with its exact content. */
async function folderSnapshot(): Promise<Record<string, string>> {
  const entries = await readdir(home, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  return Object.fromEntries(
    await Promise.all(
      files.map(async (entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return [path.relative(home, file), await readFile(file, 'base64')];
      }),
    ),
  );
}

describe('the audit of a data folder', () => {
  it('leaves every file exactly as it found it', async () => {
    const before = await folderSnapshot();
    for (const format of [[], ['--json'], ['--csv'], ['--md']]) {
      await runCli(['audit', ...format], context());
    }
    expect(await folderSnapshot()).toEqual(before);
  });

  it('sets damaged metadata aside as every command does, reports it, and ends with exit 10', async () => {
    const damaged = '{"version": 1, "ser';
    await writeFile(path.join(home, 'metadata.json'), damaged);

    const ctx = context();
    expect(await runCli(['audit', '--fail-on', 'high'], ctx)).toBe(
      ExitCode.unavailable,
    );
    const [setAside = ''] = (await readdir(home)).filter((name) =>
      name.startsWith('metadata.json.unreadable-'),
    );
    expect(await readFile(path.join(home, setAside), 'utf8')).toBe(damaged);
    // The report is written first, and names the file set aside.
    expect(ctx.out()).toMatch(/^high +metadata-set-aside +whole vault/m);
    expect(ctx.out()).toContain(setAside);
    expect(ctx.err()).toMatch(/^Error: .*is not valid JSON.*moved, unchanged/m);
    expect(ctx.err()).toMatch(/^Next: \S/m);
    expect(ctx.err()).not.toContain('bug');

    // The next audit finds the set-aside file and nothing damaged.
    const again = context();
    expect(await runCli(['audit'], again)).toBe(ExitCode.ok);
    expect(again.out()).toContain(setAside);
    expect(again.err()).toBe('');
  });

  it('reads a metadata file saved with a byte-order mark, as every command does', async () => {
    const file = path.join(home, 'metadata.json');
    await writeFile(file, `\uFEFF${await readFile(file, 'utf8')}`);
    const before = await folderSnapshot();

    const ctx = context();
    expect(await runCli(['audit', '--json'], ctx)).toBe(ExitCode.ok);
    const report = AuditReport.parse(JSON.parse(ctx.out()));
    expect(report.inventory.map((entry) => entry.keyId).sort()).toEqual([
      'k-admin',
      'k-old',
    ]);
    expect(await folderSnapshot()).toEqual(before);
  });

  it('leaves a folder in the metadata file’s place alone and ends with exit 10', async () => {
    await removeHome(home);
    home = await makeHome();
    await mkdir(path.join(home, 'metadata.json'));

    const ctx = context();
    expect(await runCli(['audit'], ctx)).toBe(ExitCode.unavailable);
    expect(ctx.err()).toMatch(
      /^Error: .*it is a folder\. It was left as it is\./m,
    );
    expect(ctx.err()).toMatch(/^Next: Move or rename it/m);
    expect(ctx.err()).not.toContain('bug');
    expect((await stat(path.join(home, 'metadata.json'))).isDirectory()).toBe(
      true,
    );
  });
});

describe('the audit of set-aside metadata', () => {
  it('reports a metadata file the vault set aside, from the folder listing alone', async () => {
    await writeFile(path.join(home, 'metadata.json'), '{"version": 1, "ser');
    // The vault's own reader is what moves a damaged file aside.
    await expect(readVaultMetadata(home)).rejects.toThrow(/moved, unchanged/);
    const [setAside] = (await readdir(home)).filter((name) =>
      name.startsWith('metadata.json.unreadable-'),
    );
    expect(setAside).toBeDefined();
    const before = await folderSnapshot();

    const ctx = context();
    expect(await runCli(['audit', '--fail-on', 'high'], ctx)).toBe(
      ExitCode.findings,
    );
    expect(ctx.out()).not.toContain('No findings');
    expect(ctx.out()).toMatch(/^high +metadata-set-aside +whole vault/m);
    expect(ctx.out()).toContain(setAside);
    expect(ctx.out()).toContain('btcpay-keys reconcile --adopt --server URL');
    expect(await folderSnapshot()).toEqual(before);

    // Offline and keychain-free: no native module, no bus, no socket.
    const guarded = await runGuarded(['audit', '--json']);
    expect(guarded.code, guarded.stderr).toBe(ExitCode.ok);
    const report = AuditReport.parse(JSON.parse(guarded.stdout));
    expect(report.findings.map((f) => f.rule)).toEqual(['metadata-set-aside']);
    expect(guardReport(guarded.stderr, 'native modules')).toEqual([]);
    expect(guardReport(guarded.stderr, 'local sockets')).toEqual([]);
  });
});

describe('the audit without network or keychain', () => {
  it('opens no connection and resolves no name, in any format', async () => {
    const attempts: string[] = [];
    const record = (what: string) => () => {
      attempts.push(what);
      throw new Error(`blocked ${what}`);
    };
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(
      record('socket'),
    );
    vi.spyOn(dns, 'lookup').mockImplementation(record('dns'));
    vi.spyOn(http, 'request').mockImplementation(record('http'));
    vi.spyOn(https, 'request').mockImplementation(record('https'));
    vi.spyOn(globalThis, 'fetch').mockImplementation(record('fetch'));

    for (const format of [[], ['--json'], ['--csv'], ['--md']]) {
      await runCli(['audit', ...format], context());
    }
    expect(attempts).toEqual([]);

    // The trap is live: a real connection attempt is caught by it.
    expect(() => net.connect(9, '127.0.0.1')).toThrow('blocked socket');
    expect(attempts).toEqual(['socket']);
  });

  it('asks the keychain nothing unless --keychain is given', async () => {
    const store = countingSecretStore(['k-admin', 'k-old']);
    await runAuditCommand({ json: true }, context(), store);
    expect(store.calls).toEqual([]);

    const report = await runAuditCommand(
      { json: true, keychain: true },
      context(),
      store,
    );
    // Only the list of names is read; no secret is fetched.
    expect(store.calls).toEqual(['accounts']);
    expect(report.config.keychainChecked).toBe(true);
  });

  it('runs as a command with the network cut and no session bus', async () => {
    const plain = await runGuarded(['audit', '--json']);
    expect(plain.stderr).not.toContain('blocked');
    expect(plain.code).toBe(ExitCode.ok);
    expect(AuditReport.parse(JSON.parse(plain.stdout)).inventory).toHaveLength(
      2,
    );
    expect(guardReport(plain.stderr, 'native modules')).toEqual([]);
    expect(guardReport(plain.stderr, 'local sockets')).toEqual([]);

    // The guard sees a keychain attempt: with --keychain the command goes
    // for the session bus, finds none, and says the keychain is missing.
    const withKeychain = await runGuarded(['audit', '--keychain']);
    expect(withKeychain.stderr).not.toContain('blocked');
    expect(withKeychain.code).toBe(ExitCode.keychain);
    expect(guardReport(withKeychain.stderr, 'local sockets')).toEqual([NO_BUS]);
  });

  it.runIf(
    process.platform === 'linux' &&
      process.env['BTCPAY_KEYS_IN_KEYRING_SESSION'] === '1',
  )(
    'lists the real keychain on Linux without loading the module that reads secrets',
    async () => {
      const run = await runGuarded(['audit', '--keychain', '--json'], {
        DBUS_SESSION_BUS_ADDRESS: process.env['DBUS_SESSION_BUS_ADDRESS'],
      });
      expect(run.code, run.stderr).toBe(ExitCode.ok);
      expect(AuditReport.parse(JSON.parse(run.stdout)).config).toMatchObject({
        keychainChecked: true,
      });
      // Both keys have no entry under the app's service in this keyring.
      expect(run.stdout).toContain('secret-missing');
      expect(guardReport(run.stderr, 'native modules')).toEqual([]);
    },
  );
});

interface GuardedRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real command line in a child with the offline guard loaded. */
function runGuarded(
  args: string[],
  overrides: NodeJS.ProcessEnv = {},
): Promise<GuardedRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    BTCPAY_KEYS_HOME: home,
    // No session bus: any keychain call would fail rather than succeed.
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${NO_BUS}`,
    NO_COLOR: '1',
    ...overrides,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        GUARD,
        path.join(ROOT, 'src/cli/main.ts'),
        ...args,
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What the guard printed at exit under `heading`. */
function guardReport(stderr: string, heading: string): string[] {
  const line = new RegExp(`OFFLINE-GUARD: ${heading} (.*)`).exec(stderr)?.[1];
  expect(line, 'the guard reports at exit').toBeDefined();
  return JSON.parse(line ?? '[]') as string[];
}
