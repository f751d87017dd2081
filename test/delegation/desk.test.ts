import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedBrowserOpener } from '../../main/external-links';
import type { DeepLinkRequestView } from '../../src/contract';
import { importKey } from '../../src/keys';
import { silentLogger } from '../../src/log/logger';
import type { KeyManagerService } from '../../src/service';
import type { Vault } from '../../src/vault';
import type { Sandbox } from '../sandbox';
import {
  openTempVault,
  passwordOf,
  quietService,
  startRelaxedSandbox,
  storeOf,
} from '../keys/fixtures';
import { startRequesterCallback, type RequesterCallback } from './support';

// The app's side of deep links: the service desk the consent dialog talks
// to, on a real vault, the sandbox and a real requester callback.

const MERCHANT = 'merchant@sandbox.test';
const VIEW = 'btcpay.store.canviewinvoices';

let sandbox: Sandbox;
let vault: Vault;
let cleanup: () => Promise<void>;
let callback: RequesterCallback;
let service: KeyManagerService;

beforeAll(async () => {
  sandbox = await startRelaxedSandbox();
  ({ vault, cleanup } = await openTempVault());
  callback = await startRequesterCallback();
  service = quietService(vault);
});

afterAll(async () => {
  await service.close();
  await callback.close();
  await sandbox.close();
  await cleanup();
});

function linkFor(query: Record<string, string>, permissions: string[]) {
  const params = new URLSearchParams({
    server: sandbox.url,
    redirect: callback.url,
    ...query,
  });
  for (const permission of permissions)
    params.append('permissions', permission);
  return `btcpay-keys://authorize?${params.toString()}`;
}

/** Waits until the dialog would show a request, and returns it. */
async function pendingView(): Promise<DeepLinkRequestView> {
  let view: DeepLinkRequestView | null = null;
  await expect
    .poll(async () => {
      const answer = await service.handlers.pendingDeepLink({});
      view = answer.ok ? answer.value.request : null;
      return view !== null;
    })
    .toBe(true);
  return view as unknown as DeepLinkRequestView;
}

describe('the deep-link desk', () => {
  it('tells the app invalid_request at once for a refused link, before the merchant looks', async () => {
    const formsBefore = callback.forms.length;
    service.enqueueDeepLink(
      linkFor({ state: 'bad-1', applicationName: 'Till\u202Eppa' }, [VIEW]),
    );
    await expect.poll(() => callback.forms.length).toBe(formsBefore + 1);
    expect(Object.fromEntries(callback.forms.at(-1) ?? [])).toMatchObject({
      error: 'invalid_request',
      state: 'bad-1',
    });

    const view = await pendingView();
    expect(view.refusal).toMatch(/U\+202E/);
    const dismissed = await service.handlers.answerDeepLink({
      requestId: view.id,
      decision: 'deny',
      remember: false,
      storeId: null,
    });
    expect(dismissed.ok).toBe(true);
    // Dismissing tells the app nothing more.
    expect(callback.forms.length).toBe(formsBefore + 1);
  });

  it('offers to go on with a server it does not know once the merchant adds it', async () => {
    service.enqueueDeepLink(
      linkFor({ applicationName: 'Till', state: 'new-1' }, [VIEW]),
    );
    const unknown = await pendingView();
    expect(unknown.serverId).toBeNull();
    expect(unknown.defaultMethod).toBe('authorize');

    const added = await service.handlers.addServer({ url: sandbox.url });
    expect(added.ok).toBe(true);
    const known = await pendingView();
    expect(known.id).toBe(unknown.id);
    expect(known.serverId).not.toBeNull();

    const answered = await service.handlers.answerDeepLink({
      requestId: known.id,
      decision: 'approve',
      remember: false,
      storeId: null,
      method: 'basic',
      basic: { email: MERCHANT, password: passwordOf(sandbox, MERCHANT) },
    });
    expect(answered).toMatchObject({
      ok: true,
      value: { message: 'The key was delivered to Till.' },
    });
    expect(callback.forms.at(-1)?.getAll('permissions[]')).toEqual([VIEW]);
  });

  it('keeps a store-limited request on screen until a store is picked, then limits the key to it', async () => {
    const server = await vault.findServer(sandbox.url);
    await importKey(vault, {
      serverId: server?.id ?? '',
      secret: sandbox.admin.mintKey(MERCHANT, ['unrestricted'], 'manager'),
    });
    service.enqueueDeepLink(
      linkFor(
        {
          applicationName: 'Till',
          selectiveStores: 'true',
          permissions: 'btcpay.store.canviewinvoices:SOMESTORE',
        },
        [VIEW],
      ),
    );
    const view = await pendingView();
    expect(view.needsStore).toBe(true);
    expect(view.methods).toContain('manager');
    const keysBefore = sandbox.admin.keysOf(MERCHANT).length;

    const refused = await service.handlers.answerDeepLink({
      requestId: view.id,
      decision: 'approve',
      remember: false,
      storeId: null,
      method: 'manager',
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', message: /pick exactly one store/ },
    });
    expect((await pendingView()).id).toBe(view.id);
    expect(sandbox.admin.keysOf(MERCHANT)).toHaveLength(keysBefore);

    const store = storeOf(sandbox, MERCHANT);
    const approved = await service.handlers.answerDeepLink({
      requestId: view.id,
      decision: 'approve',
      remember: false,
      storeId: store,
      method: 'manager',
    });
    expect(approved.ok).toBe(true);
    expect(callback.forms.at(-1)?.getAll('permissions[]').sort()).toEqual(
      [`${VIEW}:${store}`, `${VIEW}:SOMESTORE`].sort(),
    );
  });
});

/** Plays BTCPay approving an authorize page: mints the key, posts it back. */
async function approveInSandbox(authorizeUrl: string): Promise<void> {
  const asked = new URL(authorizeUrl).searchParams;
  const permissions = asked.getAll('permissions');
  const form = new URLSearchParams({
    apiKey: sandbox.admin.mintKey(MERCHANT, permissions, 'Till'),
  });
  for (const permission of permissions) {
    form.append('permissions[]', permission);
  }
  await fetch(asked.get('redirect') ?? '', { method: 'POST', body: form });
}

describe('the deep-link desk’s browser flow', () => {
  it('has main’s gate refuse its authorize page once moved to another server', async () => {
    const opened: string[] = [];
    const refusals: string[] = [];
    const approvals: Promise<void>[] = [];
    const gate = checkedBrowserOpener(async (url) => {
      opened.push(url);
    }, silentLogger);
    const desk = quietService(vault, {
      openBrowser: async (url, flow) => {
        const moved = new URL(url);
        moved.host = 'btcpay.evil.example';
        await gate(moved.href, flow).catch((error: Error) => {
          refusals.push(error.message);
        });
        await gate(url, flow);
        approvals.push(approveInSandbox(url));
      },
    });
    try {
      desk.enqueueDeepLink(
        linkFor({ applicationName: 'Till', state: 'gate-1' }, [VIEW]),
      );
      let view: DeepLinkRequestView | null = null;
      await expect
        .poll(async () => {
          const pending = await desk.handlers.pendingDeepLink({});
          view = pending.ok ? pending.value.request : null;
          return view !== null;
        })
        .toBe(true);
      const answered = await desk.handlers.answerDeepLink({
        requestId: (view as unknown as DeepLinkRequestView).id,
        decision: 'approve',
        remember: false,
        storeId: null,
        method: 'authorize',
      });
      await Promise.all(approvals);

      expect(refusals).toEqual([expect.stringMatching(/not on the server/)]);
      expect(opened).toHaveLength(1);
      expect(new URL(opened[0] ?? '').origin).toBe(new URL(sandbox.url).origin);
      expect(answered).toMatchObject({
        ok: true,
        value: { message: /delivered to Till/ },
      });
    } finally {
      await desk.close();
    }
  });
});
