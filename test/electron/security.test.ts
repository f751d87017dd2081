import { describe, expect, it } from 'vitest';
import {
  OPERATION_NAMES,
  operations,
  type ContractHandlers,
} from '../../src/contract';
import { dispatchOperation } from '../../src/service/dispatch';
import {
  APP_ENTRY_URL,
  findDeepLink,
  isAppUrl,
  isTrustedSender,
  rendererFilePath,
} from '../../main/security';

// The checks main applies at the trust boundary, tested without Electron.

describe('isTrustedSender', () => {
  it('accepts only our window’s top frame showing the app', () => {
    expect(
      isTrustedSender({ frameUrl: APP_ENTRY_URL, isOurMainFrame: true }),
    ).toBe(true);
    expect(
      isTrustedSender({ frameUrl: APP_ENTRY_URL, isOurMainFrame: false }),
    ).toBe(false);
    expect(isTrustedSender({ frameUrl: null, isOurMainFrame: true })).toBe(
      false,
    );
  });

  it('refuses look-alike origins even in our window', () => {
    for (const url of [
      'app://keys.evil/index.html',
      'app://evil/index.html',
      'https://keys/index.html',
      'file:///index.html',
      'app://keys@evil/index.html',
    ]) {
      expect(
        isTrustedSender({ frameUrl: url, isOurMainFrame: true }),
        url,
      ).toBe(false);
    }
    expect(isAppUrl('not a url')).toBe(false);
  });
});

describe('rendererFilePath', () => {
  it('maps app URLs to files of the renderer folder', () => {
    expect(rendererFilePath('app://keys/')).toBe('index.html');
    expect(rendererFilePath('app://keys/assets/index-1.js')).toBe(
      'assets/index-1.js',
    );
  });

  it('resolves dot segments inside the renderer folder', () => {
    // URL parsing removes `..` before we see the path, so it cannot climb.
    expect(rendererFilePath('app://keys/../main/main.js')).toBe('main/main.js');
    expect(rendererFilePath('app://keys/%2e%2e/main/main.js')).toBe(
      'main/main.js',
    );
  });

  it('refuses paths that would leave the renderer folder', () => {
    for (const url of [
      'app://keys/assets/..%2f..%2fmain.js',
      'app://keys/a%5c..%5c..%5cmain.js',
      'app://other/index.html',
    ]) {
      expect(rendererFilePath(url), url).toBeNull();
    }
  });
});

describe('findDeepLink', () => {
  it('finds the btcpay-keys link wherever Chromium put it in argv', () => {
    const link = 'btcpay-keys://authorize?server=https%3A%2F%2Fb.example%2F';
    expect(
      findDeepLink(['/app', '--original-process-start-time=1', link]),
    ).toBe(link);
    expect(findDeepLink(['/app', '--flag'])).toBeNull();
  });
});

describe('the IPC contract', () => {
  it('lists every operation of the map exactly once, in the preload’s list', () => {
    expect([...OPERATION_NAMES].sort()).toEqual(Object.keys(operations).sort());
    expect(new Set(OPERATION_NAMES).size).toBe(OPERATION_NAMES.length);
  });

  const server = {
    id: 's1',
    baseUrl: 'https://btcpay.example.com/',
    name: 'Shop',
    email: null,
    serverVersion: null,
    mintMethod: 'authorize',
    managerKeyId: null,
    addedAt: '2026-01-01T00:00:00.000Z',
    keyCount: 0,
    insecure: false,
  };
  const handlers = {
    listServers: async () => ({
      ok: true,
      value: [{ ...server, apiKey: 'smuggled-secret' }],
    }),
    getKey: async () => ({ ok: true, value: { id: 'k1' } }),
  } as unknown as ContractHandlers;

  it('answers a malformed payload with a failure and never calls the core', async () => {
    let called = false;
    const spy = {
      ...handlers,
      revealKey: async () => {
        called = true;
        return { ok: true, value: { apiKey: 'x' } };
      },
    } as unknown as ContractHandlers;
    const answer = await dispatchOperation(spy, 'revealKey', { keyId: 42 });
    expect(answer).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input' },
    });
    expect(called).toBe(false);
  });

  it('drops fields the contract does not name from answers', async () => {
    const listed = await dispatchOperation(handlers, 'listServers', {});
    expect(listed).toEqual({ ok: true, value: [server] });
    expect(JSON.stringify(listed)).not.toContain('smuggled-secret');
  });

  it('treats an answer that breaks the contract as a bug, not a result', async () => {
    await expect(
      dispatchOperation(handlers, 'getKey', { keyId: 'k1' }),
    ).rejects.toThrow();
  });
});
