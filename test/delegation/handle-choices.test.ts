import { spawn, type ChildProcess } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { copyFile, link, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGreenfieldClient } from '../../src/greenfield';
import { listDecisions } from '../../src/delegation/decisions';
import {
  handleDelegation,
  type ConsentAnswer,
  type ConsentView,
} from '../../src/delegation/handle';
import {
  parseDeepLink,
  type DelegationRequest,
} from '../../src/delegation/link';
import { addServer, importKey } from '../../src/keys';
import type { Vault } from '../../src/vault';
import type { ServerRecord } from '../../src/vault/schema';
import type { Sandbox } from '../sandbox';
import { openTempVault, startRelaxedSandbox, storeOf } from '../keys/fixtures';
import { startRequesterCallback, type RequesterCallback } from './support';

const MERCHANT = 'merchant@sandbox.test';
const VIEW = 'btcpay.store.canviewinvoices';
const CREATE = 'btcpay.store.cancreateinvoice';

let sandbox: Sandbox;
let vault: Vault;
let server: ServerRecord;
let cleanup: () => Promise<void>;
let callback: RequesterCallback;
let store: string;

beforeAll(async () => {
  sandbox = await startRelaxedSandbox();
  ({ vault, cleanup } = await openTempVault());
  ({ server } = await addServer(vault, sandbox.url));
  await importKey(vault, {
    serverId: server.id,
    secret: sandbox.admin.mintKey(MERCHANT, ['unrestricted'], 'manager'),
  });
  store = storeOf(sandbox, MERCHANT);
  callback = await startRequesterCallback();
});

afterAll(async () => {
  await callback.close();
  await sandbox.close();
  await cleanup();
});

function requestFor(
  query: Record<string, string>,
  permissions: string[],
  redirect = callback.url,
): DelegationRequest {
  const params = new URLSearchParams({
    server: sandbox.url,
    redirect,
    ...query,
  });
  for (const permission of permissions)
    params.append('permissions', permission);
  const parsed = parseDeepLink(`btcpay-keys://authorize?${params.toString()}`);
  if (!parsed.ok) throw new Error(parsed.refusal.message);
  return parsed.request;
}

/** Runs a request, answering consent with `answer` and keeping the view shown. */
async function run(request: DelegationRequest, answer: ConsentAnswer) {
  const shown: ConsentView[] = [];
  const outcome = await handleDelegation({
    vault,
    request,
    consent: async (view) => {
      shown.push(view);
      return answer;
    },
  });
  return { outcome, view: shown[0] ?? null };
}

const keysOnServer = () => sandbox.admin.keysOf(MERCHANT).length;

describe('handleDelegation with a store-limited request', () => {
  it('makes no key with the manager key when no store was picked', async () => {
    const before = keysOnServer();
    const request = requestFor(
      { applicationIdentifier: 'pick', selectiveStores: 'true', state: 's-1' },
      [VIEW],
    );
    const { outcome, view } = await run(request, {
      approve: true,
      method: 'manager',
    });

    expect(view?.needsStore).toBe(true);
    expect(outcome.status).toBe('failed');
    expect(keysOnServer()).toBe(before);
    expect(callback.forms.at(-1)?.has('apiKey')).toBe(false);
    expect(callback.forms.at(-1)?.get('state')).toBe('s-1');
  });

  it('makes a key for the one store picked, and the app receives only that store', async () => {
    const { outcome } = await run(
      requestFor({ applicationIdentifier: 'pick', selectiveStores: 'true' }, [
        VIEW,
        CREATE,
      ]),
      { approve: true, method: 'manager', stores: [store] },
    );

    expect(outcome.status).toBe('delivered');
    const form = callback.forms.at(-1);
    expect(form?.getAll('permissions[]').sort()).toEqual(
      [`${CREATE}:${store}`, `${VIEW}:${store}`].sort(),
    );
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    const granted = await client.currentApiKey(form?.get('apiKey') ?? '');
    expect(granted.permissions.every((p) => p.endsWith(`:${store}`))).toBe(
      true,
    );
  });
});

describe('handleDelegation reusing a stored key', () => {
  it('offers only a key with the same permission set, never a wider one', async () => {
    const wide = await run(
      requestFor({ applicationIdentifier: 'books' }, [VIEW]),
      { approve: true, method: 'manager' },
    );
    expect(wide.outcome.status).toBe('delivered');

    const oneStore = await run(
      requestFor({ applicationIdentifier: 'books' }, [`${VIEW}:${store}`]),
      { approve: false },
    );
    expect(oneStore.view?.reusableKey).toBeNull();
    expect(oneStore.view?.methods).not.toContain('reuse');

    const more = await run(
      requestFor({ applicationIdentifier: 'books' }, [VIEW, CREATE]),
      { approve: false },
    );
    expect(more.view?.reusableKey).toBeNull();

    const same = await run(
      requestFor({ applicationIdentifier: 'books' }, [VIEW]),
      { approve: false },
    );
    if (wide.outcome.status !== 'delivered') return;
    expect(same.view?.reusableKey?.id).toBe(wide.outcome.key.id);
    expect(same.view?.methods[0]).toBe('reuse');
  });

  it('offers a one-store key to a request that lets the merchant pick the store', async () => {
    const first = await run(
      requestFor({ applicationIdentifier: 'till-7', selectiveStores: 'true' }, [
        VIEW,
      ]),
      { approve: true, method: 'manager', stores: [store] },
    );
    const again = await run(
      requestFor({ applicationIdentifier: 'till-7', selectiveStores: 'true' }, [
        VIEW,
      ]),
      { approve: false },
    );
    if (first.outcome.status !== 'delivered') throw new Error('not minted');
    expect(again.view?.reusableKey?.id).toBe(first.outcome.key.id);
  });

  it('records a reused key as delegated to the app and records its delivery', async () => {
    const minted = await run(
      requestFor({ applicationIdentifier: 'reuse-me', state: 'r-1' }, [VIEW]),
      { approve: true, method: 'manager' },
    );
    if (minted.outcome.status !== 'delivered') throw new Error('not minted');
    const keyId = minted.outcome.key.id;
    // As if the key had come from BTCPay's own page for this app.
    await vault.updateKey(keyId, {
      origin: {
        kind: 'authorize',
        applicationName: null,
        applicationIdentifier: 'reuse-me',
      },
    });

    const reused = await run(
      requestFor({ applicationIdentifier: 'reuse-me', state: 'r-2' }, [VIEW]),
      { approve: true, method: 'reuse' },
    );

    expect(reused.outcome.status).toBe('delivered');
    const stored = (await vault.metadata()).keys.find((k) => k.id === keyId);
    expect(stored?.origin).toMatchObject({
      kind: 'delegated',
      via: 'reused',
      app: { identifier: 'reuse-me', callback: callback.url },
      delivery: { status: 'delivered' },
    });
    const delegated = (await vault.events()).filter(
      (e) => e.action === 'key.delegated' && e.keyId === keyId,
    );
    expect(delegated.at(-1)?.details).toMatchObject({ reused: true });
    expect(callback.forms.at(-1)?.get('state')).toBe('r-2');
  });
});

describe('handleDelegation with remembered decisions', () => {
  it('refuses a remembered deny without asking and tells the app', async () => {
    const request = requestFor(
      { applicationIdentifier: 'nosy', state: 'd-1' },
      [VIEW],
    );
    await run(request, { approve: false, remember: true });

    const outcome = await handleDelegation({
      vault,
      request: requestFor({ applicationIdentifier: 'nosy', state: 'd-2' }, [
        VIEW,
      ]),
      consent: async () => {
        throw new Error('a remembered deny must not ask');
      },
    });

    expect(outcome).toMatchObject({
      status: 'denied',
      byRememberedDecision: true,
    });
    expect(Object.fromEntries(callback.forms.at(-1) ?? [])).toMatchObject({
      error: 'access_denied',
      state: 'd-2',
    });
  });

  it('asks again when a different program listens on the callback than the one allowed', async () => {
    await run(requestFor({ applicationIdentifier: 'pos-9' }, [VIEW]), {
      approve: true,
      method: 'manager',
      remember: true,
    });
    const decision = (await listDecisions(vault)).find(
      (d) => d.applicationIdentifier === 'pos-9',
    );
    expect(decision?.callbackProgram).toBe(realpathSync(process.execPath));

    const other = await listenWithAnotherProgram();
    try {
      const asked = await run(
        requestFor({ applicationIdentifier: 'pos-9' }, [VIEW], other.url),
        { approve: false },
      );
      expect(asked.view?.rememberedMismatch).toMatch(/different program/);
      expect(asked.view?.listener?.executable).toMatch(/other-app$/);
    } finally {
      await other.cleanup();
    }
  });
});

/**
 * A callback served by another executable than this test's node: node
 * itself under another path (a hard link, or a copy across file systems).
 */
async function listenWithAnotherProgram(): Promise<{
  url: string;
  child: ChildProcess;
  cleanup: () => Promise<void>;
}> {
  const folder = await mkdtemp(path.join(tmpdir(), 'other-program-'));
  const program = path.join(folder, 'other-app');
  await link(process.execPath, program).catch(() =>
    copyFile(process.execPath, program),
  );
  const port = await freePort();
  const child = spawn(
    program,
    [
      '-e',
      `require('node:http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1')`,
    ],
    { stdio: 'ignore' },
  );
  await waitForListener(port);
  return {
    url: `http://127.0.0.1:${port}/callback`,
    child,
    cleanup: async () => {
      child.kill();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

async function waitForListener(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const open = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}
