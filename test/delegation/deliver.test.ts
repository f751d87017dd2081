import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverToRequester } from '../../src/delegation/deliver';
import {
  checkLoopbackRedirect,
  type LoopbackRedirect,
} from '../../src/delegation/redirect';

interface Captured {
  method: string;
  contentType: string;
  form: URLSearchParams;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise((r) => s.close(r))),
  );
});

async function startCallback(
  answer: (req: IncomingMessage) => {
    status: number;
    headers?: Record<string, string>;
  },
): Promise<{ redirect: LoopbackRedirect; captured: Captured[] }> {
  const captured: Captured[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      captured.push({
        method: req.method ?? '',
        contentType: req.headers['content-type'] ?? '',
        form: new URLSearchParams(body),
      });
      const { status, headers } = answer(req);
      res.writeHead(status, headers).end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const check = checkLoopbackRedirect(
    `http://127.0.0.1:${port}/btcpay-callback?x=1`,
  );
  if (!check.ok) throw new Error(check.message);
  return { redirect: check.redirect, captured };
}

describe('deliverToRequester', () => {
  it('posts exactly the fields BTCPay posts, plus state and server', async () => {
    const { redirect, captured } = await startCallback(() => ({ status: 200 }));
    const outcome = await deliverToRequester(redirect, {
      kind: 'key',
      key: {
        apiKey: 'a'.repeat(40),
        userId: 'user-1',
        permissions: [
          'btcpay.store.cancreateinvoice:S1',
          'btcpay.store.canviewinvoices:S1',
        ],
        server: 'https://shop.example/btcpay/',
      },
      state: 'xyz',
    });
    expect(outcome).toEqual({ delivered: true, status: 200 });
    const [post] = captured;
    expect(post?.method).toBe('POST');
    expect(post?.contentType).toBe('application/x-www-form-urlencoded');
    expect([...(post?.form.keys() ?? [])].sort()).toEqual(
      [
        'apiKey',
        'permissions[]',
        'permissions[]',
        'server',
        'state',
        'userId',
      ].sort(),
    );
    expect(post?.form.getAll('permissions[]')).toEqual([
      'btcpay.store.cancreateinvoice:S1',
      'btcpay.store.canviewinvoices:S1',
    ]);
    expect(post?.form.get('state')).toBe('xyz');
  });

  it('leaves permissions[] out when the key has none', async () => {
    const { redirect, captured } = await startCallback(() => ({ status: 204 }));
    await deliverToRequester(redirect, {
      kind: 'key',
      key: {
        apiKey: 'b'.repeat(40),
        userId: 'u',
        permissions: [],
        server: 'https://s/',
      },
      state: null,
    });
    expect(captured[0]?.form.has('permissions[]')).toBe(false);
    expect(captured[0]?.form.has('state')).toBe(false);
  });

  it('sends access_denied with the description and the state on refusal', async () => {
    const { redirect, captured } = await startCallback(() => ({ status: 200 }));
    await deliverToRequester(redirect, {
      kind: 'error',
      error: 'access_denied',
      description: 'The merchant refused the request.',
      state: 's-1',
    });
    expect(Object.fromEntries(captured[0]?.form ?? [])).toEqual({
      error: 'access_denied',
      error_description: 'The merchant refused the request.',
      state: 's-1',
    });
  });

  it('does not follow a redirect from the callback', async () => {
    const target = await startCallback(() => ({ status: 200 }));
    const { redirect } = await startCallback(() => ({
      status: 307,
      headers: { location: target.redirect.url },
    }));
    const outcome = await deliverToRequester(redirect, {
      kind: 'error',
      error: 'timeout',
      description: 'x',
      state: null,
    });
    expect(outcome.delivered).toBe(true);
    expect(target.captured).toHaveLength(0);
  });

  it('reports a callback that answers with an error status as undelivered', async () => {
    const { redirect } = await startCallback(() => ({ status: 500 }));
    const outcome = await deliverToRequester(redirect, {
      kind: 'error',
      error: 'server_error',
      description: 'x',
      state: null,
    });
    expect(outcome).toMatchObject({ delivered: false, status: 500 });
  });

  it('reports a dead callback without throwing', async () => {
    const { redirect } = await startCallback(() => ({ status: 200 }));
    await Promise.all(
      servers.splice(0).map((s) => new Promise((r) => s.close(r))),
    );
    const outcome = await deliverToRequester(redirect, {
      kind: 'error',
      error: 'timeout',
      description: 'x',
      state: null,
    });
    expect(outcome).toMatchObject({ delivered: false, status: null });
    if (!outcome.delivered)
      expect(outcome.reason).toMatch(/Nothing is listening/);
  });

  it('gives up on a callback that never answers', async () => {
    const server = createServer(() => undefined);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const check = checkLoopbackRedirect(`http://127.0.0.1:${port}/cb`);
    if (!check.ok) throw new Error(check.message);
    const outcome = await deliverToRequester(
      check.redirect,
      { kind: 'error', error: 'timeout', description: 'x', state: null },
      { timeoutMs: 200 },
    );
    expect(outcome).toMatchObject({ delivered: false, status: null });
    server.closeAllConnections();
  });
});
