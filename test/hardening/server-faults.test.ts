import { appendFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGreenfieldClient, GreenfieldError } from '../../src/greenfield';
import { ensureFreshBuild, runCli, type CliRun } from '../cli/run-cli';
import { startSandbox, type Sandbox, type SandboxFault } from '../sandbox';

/**
 * Every server fault the sandbox can produce, met by the command line (a
 * real child process) and by the core client: each ends in a clear error,
 * promptly, after at most a couple of requests, and stores nothing.
 * test/greenfield/server-faults.test.ts covers each fault's wording in
 * detail; this file proves the whole path from command to exit code.
 */

const MERCHANT = 'merchant@sandbox.test';
/** The client's own deadline is 15 s; a slower answer must end in a timeout. */
const SLOW_MS = 17_000;
/** Far above any honest run: a command still going then has hung. */
const HANG_GUARD_MS = 45_000;
/** Import checks the key with one call; a second covers a health probe. */
const MOST_REQUESTS = 2;

const FAULTS: { fault: SandboxFault; says: RegExp }[] = [
  { fault: { kind: 'status500' }, says: /server/i },
  { fault: { kind: 'drop-connection' }, says: /connection|reach|network/i },
  { fault: { kind: 'invalid-json' }, says: /answer|BTCPay|understand/i },
  { fault: { kind: 'html-login' }, says: /login|BTCPay|page/i },
  { fault: { kind: 'rate-limit' }, says: /too many|wait|later|limit/i },
  { fault: { kind: 'slow', delayMs: SLOW_MS }, says: /time|answer/i },
];

let sandbox: Sandbox;
let tlsSandbox: Sandbox;
let scratch: string;

beforeAll(async () => {
  await ensureFreshBuild();
  sandbox = await startSandbox();
  tlsSandbox = await startSandbox({ tls: true });
  // Kept after the run: the hygiene check scans the data folders and the
  // captured output for the keys used here.
  scratch = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-server-faults-'));
}, 120_000);

afterAll(async () => {
  await sandbox.close();
  await tlsSandbox.close();
});

/** Runs the command line, failing the test if it hangs; keeps its output. */
async function cli(
  home: string,
  args: string[],
  input?: string,
): Promise<CliRun> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the CLI hung')), HANG_GUARD_MS);
  });
  const run = await Promise.race([runCli(home, args, { input }), guard]);
  clearTimeout(timer);
  await appendFile(
    path.join(scratch, 'captured-output.txt'),
    `== ${args.join(' ')}\n${run.stdout}\n${run.stderr}\n`,
  );
  return run;
}

/** Adds the server, then imports a fresh key with `fault` switched on. */
async function importThroughCli(fault: SandboxFault): Promise<CliRun> {
  const home = path.join(scratch, fault.kind);
  const added = await cli(home, ['server', 'add', sandbox.url]);
  expect(added.code, added.stderr).toBe(0);
  const secret = sandbox.admin.mintKey(MERCHANT, [
    'btcpay.store.canviewinvoices',
  ]);
  sandbox.admin.setFault(fault);
  const before = sandbox.admin.requests.length;
  let run: CliRun;
  try {
    run = await cli(
      home,
      ['key', 'import', '--server', sandbox.url, '--key-stdin'],
      `${secret}\n`,
    );
  } finally {
    sandbox.admin.setFault(null);
  }
  const sent = sandbox.admin.requests.length - before;
  expect(sent).toBeGreaterThan(0);
  expect(sent, 'requests for one import').toBeLessThanOrEqual(MOST_REQUESTS);
  const listed = await cli(home, ['key', 'list', '--json']);
  expect(JSON.parse(listed.stdout || '[]')).toEqual([]);
  return run;
}

describe('the command line when the server misbehaves', () => {
  it.each(FAULTS)(
    'fails clearly, once, on $fault.kind',
    async ({ fault, says }) => {
      const run = await importThroughCli(fault);
      expect(run.code, run.stderr).not.toBe(0);
      expect(run.stderr).toMatch(says);
      expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
    },
    HANG_GUARD_MS + 15_000,
  );

  it('refuses a server with an untrusted certificate and says why', async () => {
    const home = path.join(scratch, 'tls');
    const run = await cli(home, ['server', 'add', tlsSandbox.url]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/certificate|TLS/i);
    // The handshake failed, so no request ever reached the server.
    expect(tlsSandbox.admin.requests).toHaveLength(0);
  }, 60_000);
});

describe('the core client when the server misbehaves', () => {
  it.each(FAULTS.filter(({ fault }) => fault.kind !== 'slow'))(
    'rejects with a GreenfieldError after one request on $fault.kind',
    async ({ fault }) => {
      const client = createGreenfieldClient({ baseUrl: sandbox.url });
      const secret = sandbox.admin.mintKey(MERCHANT, []);
      sandbox.admin.setFault(fault);
      const before = sandbox.admin.requests.length;
      try {
        const failure = await client
          .currentApiKey(secret)
          .catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(GreenfieldError);
        expect((failure as GreenfieldError).nextStep).not.toBe('');
        expect(sandbox.admin.requests.length - before).toBe(1);
      } finally {
        sandbox.admin.setFault(null);
      }
    },
  );

  it('times out a slow answer at its deadline instead of waiting', async () => {
    const client = createGreenfieldClient({
      baseUrl: sandbox.url,
      timeoutMs: 500,
    });
    sandbox.admin.setFault({ kind: 'slow', delayMs: 5_000 });
    try {
      const failure = await client.health().catch((error: unknown) => error);
      expect((failure as GreenfieldError).kind).toBe('timeout');
    } finally {
      sandbox.admin.setFault(null);
    }
  });
});
