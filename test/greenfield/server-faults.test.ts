import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createGreenfieldClient,
  type GreenfieldAuth,
  type GreenfieldClient,
} from '../../src/greenfield';
import { startSandbox, type Sandbox } from '../sandbox';
import { expectKind, failureOf } from './support/expect-failure';
import {
  answerJson,
  startLocalServer,
  type LocalServer,
} from './support/local-server';

// Servers that are not BTCPay, misbehave, or cannot be reached: the sandbox's
// injected faults, plus local servers for answers no sandbox would give.

let sandbox: Sandbox;
let client: GreenfieldClient;
let auth: GreenfieldAuth;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, basePath: '/btcpay/' });
  client = createGreenfieldClient({ baseUrl: sandbox.url });
  const merchant = sandbox.users.find((user) => user.role === 'merchant')!;
  auth = {
    kind: 'token',
    apiKey: sandbox.admin.mintKey(merchant.email, ['unrestricted']),
  };
});
afterEach(() => sandbox.admin.setFault(null));

function storedKeys(email: string): string[] {
  return sandbox.admin.keysOf(email).map((key) => key.apiKey);
}

function adminAuth(): GreenfieldAuth {
  const admin = sandbox.users.find((user) => user.role === 'admin')!;
  return {
    kind: 'token',
    apiKey: sandbox.admin.mintKey(admin.email, [
      'btcpay.server.canmanageusers',
    ]),
  };
}
afterAll(() => sandbox.close());

const locals: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(locals.splice(0).map((server) => server.close()));
});

async function serve(
  handler: Parameters<typeof startLocalServer>[0],
): Promise<GreenfieldClient> {
  const server = await startLocalServer(handler);
  locals.push(server);
  return createGreenfieldClient({ baseUrl: server.url });
}

describe('not a BTCPay server', () => {
  it('says so when the health check is missing (sub-path left out)', async () => {
    const atRoot = createGreenfieldClient({
      baseUrl: sandbox.url.replace('/btcpay/', '/'),
    });
    const error = await failureOf(atRoot.health());
    expectKind(error, 'not-btcpay');
    expect(error.status).toBe(404);
  });

  it('says so when API requests are sent to a login page', async () => {
    sandbox.admin.setFault({ kind: 'html-login', paths: ['/api/v1/stores'] });
    const error = await failureOf(client.listStores(auth));
    expectKind(error, 'not-btcpay');
    expect(error.status).toBe(302);
    expect(error.message).toMatch(/login/);
  });

  it('names only the origin of a redirect, never the redirected path', async () => {
    const keyToRevoke = 'c'.repeat(40);
    const redirecting = await serve((request, response) => {
      response.writeHead(301, {
        location: `https://pay.example.com${request.url}`,
      });
      response.end();
    });
    const error = await failureOf(redirecting.revokeApiKey(auth, keyToRevoke));
    expectKind(error, 'not-btcpay');
    expect(error.message).toContain('https://pay.example.com');
    expect(JSON.stringify(error)).not.toContain(keyToRevoke);
  });

  it('says so when a web page answers 200 on the API', async () => {
    sandbox.admin.setFault({ kind: 'html-page', paths: ['/api/', '/misc/'] });
    for (const answer of [
      failureOf(client.health()),
      failureOf(client.currentUser(auth)),
      failureOf(client.permissionsMetadata(auth)),
    ]) {
      const error = await answer;
      expectKind(error, 'not-btcpay');
      expect(error.status).toBe(200);
      expect(error.message).toMatch(/web page/);
    }
  });

  it('does not take a web page answering 200 as a confirmed revocation', async () => {
    const merchant = sandbox.users.find((user) => user.role === 'merchant')!;
    const apiKey = sandbox.admin.mintKey(merchant.email, [], 'page-answered');
    sandbox.admin.setFault({ kind: 'html-page', paths: ['/api/v1/api-keys'] });
    expectKind(
      await failureOf(client.revokeCurrentApiKey(apiKey)),
      'not-btcpay',
    );
    expect(storedKeys(merchant.email)).toContain(apiKey);
  });

  it('says so when the answer is plain text', async () => {
    const plain = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('OK');
    });
    expectKind(await failureOf(plain.health()), 'not-btcpay');
  });
});

describe('server errors and broken answers', () => {
  it('reports a 500 page as a server problem', async () => {
    sandbox.admin.setFault({ kind: 'status500' });
    const error = await failureOf(client.serverInfo(auth));
    expectKind(error, 'server-error');
    expect(error.status).toBe(500);
  });

  it('reports broken JSON as an invalid answer, not a crash', async () => {
    sandbox.admin.setFault({
      kind: 'invalid-json',
      paths: ['/api/v1/api-keys'],
    });
    const error = await failureOf(client.currentApiKey('e'.repeat(40)));
    expectKind(error, 'invalid-response');
    expect(error.status).toBe(200);
  });

  it('refuses a revocation answered with broken JSON, and the key is still on the server', async () => {
    const merchant = sandbox.users.find((user) => user.role === 'merchant')!;
    const apiKey = sandbox.admin.mintKey(merchant.email, [], 'still-here');
    sandbox.admin.setFault({ kind: 'invalid-json', paths: ['/api/v1/'] });

    const failures = [
      await failureOf(client.revokeCurrentApiKey(apiKey)),
      await failureOf(client.revokeApiKey(auth, apiKey)),
      await failureOf(
        client.revokeUserApiKey(adminAuth(), merchant.email, apiKey),
      ),
    ];
    for (const error of failures) {
      expectKind(error, 'invalid-response');
      expect(error.message).toMatch(/not certain/);
      expect(error.message).not.toMatch(/\brevoked\b/i);
    }
    expect(storedKeys(merchant.email)).toContain(apiKey);

    sandbox.admin.setFault(null);
    await client.revokeCurrentApiKey(apiKey);
    expect(storedKeys(merchant.email)).not.toContain(apiKey);
  });

  it('refuses a revocation answered with a JSON body instead of nothing', async () => {
    const keyToRevoke = 'f'.repeat(40);
    const swaggerLike = await serve((_request, response) =>
      answerJson(response, 200, {
        apiKey: keyToRevoke,
        label: 'revoked?',
        permissions: [],
      }),
    );
    const error = await failureOf(swaggerLike.revokeCurrentApiKey(keyToRevoke));
    expectKind(error, 'invalid-response');
    expect(error.status).toBe(200);
    expect(JSON.stringify(error)).not.toContain(keyToRevoke);
  });

  it('reports JSON of the wrong shape as an invalid answer', async () => {
    const odd = await serve((_request, response) =>
      answerJson(response, 200, { synchronized: 'yes' }),
    );
    expectKind(await failureOf(odd.health()), 'invalid-response');
  });

  it('reports a 422 that is not the validation array as an invalid answer', async () => {
    const odd = await serve((_request, response) =>
      answerJson(response, 422, { title: 'One or more validation errors' }),
    );
    const error = await failureOf(odd.createApiKey(auth, { label: 'x' }));
    expectKind(error, 'invalid-response');
  });

  it('reports a throttled key request as a server problem with the wait', async () => {
    sandbox.admin.setFault({ kind: 'rate-limit' });
    const error = await failureOf(client.listStores(auth));
    expectKind(error, 'server-error');
    expect(error.retryAfterSeconds).toBe(60);
  });
});

describe('answers from a proxy in front of BTCPay', () => {
  it('reports a 502 page from the proxy as a server problem', async () => {
    const proxy = await serve((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html><body>502 Bad Gateway</body></html>');
    });
    const error = await failureOf(proxy.serverInfo(auth));
    expectKind(error, 'server-error');
    expect(error.status).toBe(502);
  });

  it('reports a 403 web page as not BTCPay, not as a missing permission', async () => {
    const firewall = await serve((_request, response) => {
      response.writeHead(403, { 'content-type': 'text/html' });
      response.end('<html><body>Access denied</body></html>');
    });
    const error = await failureOf(firewall.listStores(auth));
    expectKind(error, 'not-btcpay');
    expect(error.missingPermission).toBeUndefined();
  });

  it.each([
    ['5', '5 seconds'],
    ['300', '5 minutes'],
  ])('turns Retry-After: %s into "%s"', async (header, wording) => {
    const throttling = await serve((_request, response) => {
      response.writeHead(429, { 'retry-after': header });
      response.end();
    });
    const error = await failureOf(
      throttling.serverInfo({
        kind: 'basic',
        email: 'merchant@example.com',
        password: 'pw',
      }),
    );
    expectKind(error, 'basic-auth-rate-limited');
    expect(error.retryAfterSeconds).toBe(Number(header));
    expect(error.nextStep).toContain(wording);
  });
});

describe('unreachable or slow servers', () => {
  it('times out against a slow server', async () => {
    sandbox.admin.setFault({ kind: 'slow', delayMs: 2_000 });
    const error = await failureOf(client.health({ timeoutMs: 200 }));
    expectKind(error, 'timeout');
  });

  it('stops when the caller cancels a slow request', async () => {
    sandbox.admin.setFault({ kind: 'slow', delayMs: 2_000 });
    const cancel = new AbortController();
    const pending = client.serverInfo(auth, { signal: cancel.signal });
    setTimeout(() => cancel.abort(), 50);
    expectKind(await failureOf(pending), 'aborted');
  });

  it('reports a dropped connection as a network failure', async () => {
    sandbox.admin.setFault({ kind: 'drop-connection' });
    const error = await failureOf(client.serverInfo(auth));
    expectKind(error, 'network');
    expect(error.status).toBeNull();
  });

  it("reports the sandbox's self-signed certificate as a TLS failure", async () => {
    const secure = await startSandbox({ port: 0, tls: true });
    try {
      expect(secure.url.startsWith('https://')).toBe(true);
      const error = await failureOf(
        createGreenfieldClient({ baseUrl: secure.url }).health(),
      );
      expectKind(error, 'tls');
      expect(error.tlsProblem).toBe('self-signed');
      expect(secure.admin.requests).toHaveLength(0);
    } finally {
      await secure.close();
    }
  });
});
