import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGreenfieldClient } from '../../src/greenfield';
import { listDecisions } from '../../src/delegation/decisions';
import {
  handleDelegation,
  type ConsentView,
} from '../../src/delegation/handle';
import {
  parseDeepLink,
  type DelegationRequest,
} from '../../src/delegation/link';
import { addServer, importKey } from '../../src/keys';
import type { Vault } from '../../src/vault';
import type { Sandbox } from '../sandbox';
import { openTempVault, startRelaxedSandbox } from '../keys/fixtures';
import { startRequesterCallback, type RequesterCallback } from './support';

const MERCHANT = 'merchant@sandbox.test';
const INVOICES = 'btcpay.store.cancreateinvoice';

let sandbox: Sandbox;
let vault: Vault;
let cleanup: () => Promise<void>;
let callback: RequesterCallback;

beforeAll(async () => {
  sandbox = await startRelaxedSandbox();
  ({ vault, cleanup } = await openTempVault());
  const { server } = await addServer(vault, sandbox.url);
  // The merchant connected a manager key once, so keys can be minted over REST.
  await importKey(vault, {
    serverId: server.id,
    secret: sandbox.admin.mintKey(MERCHANT, ['unrestricted'], 'manager'),
  });
  callback = await startRequesterCallback();
});

afterAll(async () => {
  await callback.close();
  await sandbox.close();
  await cleanup();
});

function requestFor(
  query: Record<string, string>,
  redirect = callback.url,
): DelegationRequest {
  const params = new URLSearchParams({
    server: sandbox.url,
    redirect,
    ...query,
  });
  const parsed = parseDeepLink(`btcpay-keys://authorize?${params.toString()}`);
  if (!parsed.ok) throw new Error(parsed.refusal.message);
  return parsed.request;
}

describe('handleDelegation', () => {
  it('mints the key with the manager key, stores it as delegated and posts it back', async () => {
    const shown: ConsentView[] = [];
    const outcome = await handleDelegation({
      vault,
      request: requestFor({
        applicationName: 'Till',
        applicationIdentifier: 'till',
        permissions: INVOICES,
        state: 'st-1',
      }),
      consent: async (view) => {
        shown.push(view);
        return { approve: true, method: 'manager' };
      },
    });

    expect(outcome.status).toBe('delivered');
    expect(shown[0]?.listener?.pid).toBe(process.pid);
    expect(shown[0]?.permissions[0]?.title).toBeTruthy();
    const form = callback.forms.at(-1);
    expect(form?.get('state')).toBe('st-1');
    expect(form?.get('server')).toBe(sandbox.url);
    expect(form?.getAll('permissions[]')).toEqual([INVOICES]);
    expect(form?.get('userId')).toBe(
      sandbox.users.find((u) => u.email === MERCHANT)?.id,
    );

    // The key the requester got works on the server it was told.
    const client = createGreenfieldClient({ baseUrl: sandbox.url });
    const current = await client.currentApiKey(form?.get('apiKey') ?? '');
    expect(current.permissions).toEqual([INVOICES]);

    if (outcome.status !== 'delivered') return;
    expect(outcome.key.origin).toMatchObject({
      kind: 'delegated',
      app: { name: 'Till', identifier: 'till', callback: callback.url },
      via: 'manager',
      delivery: { status: 'delivered' },
    });
    const actions = (await vault.events()).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['key.delegated', 'key.delivered']),
    );
  });

  it('offers the stored key for reuse when the same app asks again, and hands it over', async () => {
    const request = requestFor({
      applicationIdentifier: 'till',
      permissions: INVOICES,
      state: 'st-2',
    });
    let offered: string | null = null;
    const outcome = await handleDelegation({
      vault,
      request,
      consent: async (view) => {
        offered = view.reusableKey?.id ?? null;
        return { approve: true, method: 'reuse', remember: true };
      },
    });
    expect(outcome.status).toBe('delivered');
    expect(offered).not.toBeNull();
    if (outcome.status === 'delivered') expect(outcome.key.id).toBe(offered);
    expect(await listDecisions(vault)).toHaveLength(1);
  });

  it('answers a remembered request without asking again', async () => {
    const outcome = await handleDelegation({
      vault,
      request: requestFor({
        applicationIdentifier: 'till',
        permissions: INVOICES,
        state: 'st-3',
      }),
      consent: async () => {
        throw new Error('the user must not be asked again');
      },
    });
    expect(outcome).toMatchObject({
      status: 'delivered',
      byRememberedDecision: true,
    });
    expect(callback.forms.at(-1)?.get('state')).toBe('st-3');
  });

  it('delivers access_denied with the state when the user refuses', async () => {
    const outcome = await handleDelegation({
      vault,
      request: requestFor({
        applicationIdentifier: 'other',
        permissions: INVOICES,
        state: 'no-1',
      }),
      consent: async () => ({ approve: false }),
    });
    expect(outcome.status).toBe('denied');
    expect(Object.fromEntries(callback.forms.at(-1) ?? [])).toEqual({
      error: 'access_denied',
      error_description: 'The merchant refused the request.',
      state: 'no-1',
    });
  });

  it('keeps the key stored and marked undelivered when the callback is dead', async () => {
    const dead = await startRequesterCallback();
    await dead.close();
    const outcome = await handleDelegation({
      vault,
      request: requestFor(
        { applicationIdentifier: 'gone', permissions: INVOICES, state: 'x' },
        dead.url,
      ),
      consent: async () => ({ approve: true, method: 'manager' }),
    });
    expect(outcome.status).toBe('undelivered');
    if (outcome.status !== 'undelivered') return;
    const stored = (await vault.metadata()).keys.find(
      (k) => k.id === outcome.key.id,
    );
    expect(stored?.origin).toMatchObject({
      kind: 'delegated',
      delivery: {
        status: 'failed',
        error: expect.stringMatching(/Nothing is listening/),
      },
    });
    expect(await vault.readSecret(outcome.key.id, 'use')).toMatch(
      /^[0-9a-f]{40}$/,
    );
  });

  it('reports a failure to mint as server_error to the requester', async () => {
    const outcome = await handleDelegation({
      vault,
      request: requestFor({
        applicationIdentifier: 'pw',
        permissions: INVOICES,
        state: 'f-1',
      }),
      consent: async () => ({
        approve: true,
        method: 'basic',
        basic: { email: MERCHANT, password: 'wrong-password' },
      }),
    });
    expect(outcome.status).toBe('failed');
    const form = callback.forms.at(-1);
    expect(form?.get('error')).toBe('server_error');
    expect(form?.get('state')).toBe('f-1');
    expect(form?.has('apiKey')).toBe(false);
  });
});
