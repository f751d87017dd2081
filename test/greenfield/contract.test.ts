import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createGreenfieldClient,
  type GreenfieldAuth,
  type GreenfieldClient,
} from '../../src/greenfield';
import { describeContract } from '../contract/describe-contract';
import { templateFor, validateRequest } from '../contract/validate';
import { startSandbox, type Sandbox } from '../sandbox';

// Every request the client sends, checked against BTCPay's own OpenAPI
// fragments (with the documented disagreements where the server differs).

let sandbox: Sandbox;
let client: GreenfieldClient;

function account(role: string): {
  id: string;
  email: string;
  password: string;
} {
  const found = sandbox.users.find((candidate) => candidate.role === role);
  if (!found) throw new Error(`the sandbox has no ${role} user`);
  return found;
}

function token(role: string, permissions: string[]): GreenfieldAuth {
  return {
    kind: 'token',
    apiKey: sandbox.admin.mintKey(account(role).email, permissions),
  };
}

/** Runs one client call and checks the single request it sent. */
async function sentRequestFits(call: () => Promise<unknown>): Promise<string> {
  const before = sandbox.admin.requests.length;
  await call();
  const sent = sandbox.admin.requests.slice(before);
  expect(sent).toHaveLength(1);
  const request = sent[0]!;
  const template = templateFor(request.method, request.path);
  expect(
    template,
    `${request.method} ${request.path} has a template`,
  ).toBeDefined();
  const result = validateRequest(request.method, template!, request);
  expect(result.errors, `${request.method} ${template}`).toEqual([]);
  return `${request.method} ${template}`;
}

describeContract('Greenfield client requests against the OpenAPI', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      basePath: '/btcpay/',
      basicRateLimit: { perMinute: 600, burst: 100 },
    });
    client = createGreenfieldClient({ baseUrl: sandbox.url });
  });
  afterAll(() => sandbox.close());

  it('sends every endpoint as the spec (or the server) expects', async () => {
    const merchant = account('merchant');
    const basic: GreenfieldAuth = {
      kind: 'basic',
      email: merchant.email,
      password: merchant.password,
    };
    const unrestricted = token('merchant', ['unrestricted']);
    const admin = token('admin', ['btcpay.server.canmanageusers']);
    const keyOf = (auth: GreenfieldAuth) =>
      auth.kind === 'token' ? auth.apiKey : '';

    const checked = [
      await sentRequestFits(() => client.health()),
      await sentRequestFits(() => client.serverInfo(unrestricted)),
      await sentRequestFits(() => client.serverInfo(basic)),
      await sentRequestFits(() => client.currentApiKey(keyOf(unrestricted))),
      await sentRequestFits(() =>
        client.createApiKey(basic, {
          label: 'contract',
          permissions: ['btcpay.store.canviewinvoices'],
        }),
      ),
      await sentRequestFits(() =>
        client.createUserApiKey(admin, merchant.email, {
          label: 'for merchant',
          permissions: [],
        }),
      ),
      await sentRequestFits(() =>
        client.revokeCurrentApiKey(keyOf(token('merchant', []))),
      ),
      await sentRequestFits(() =>
        client.revokeApiKey(unrestricted, keyOf(token('merchant', []))),
      ),
      await sentRequestFits(() =>
        client.revokeUserApiKey(
          admin,
          merchant.id,
          keyOf(token('merchant', [])),
        ),
      ),
      await sentRequestFits(() =>
        client.currentUser(token('merchant', ['btcpay.user.canviewprofile'])),
      ),
      await sentRequestFits(() =>
        client.listStores(
          token('merchant', ['btcpay.store.canviewstoresettings']),
        ),
      ),
      await sentRequestFits(() => client.permissionsMetadata(unrestricted)),
    ];

    expect(new Set(checked)).toEqual(
      new Set([
        'GET /api/v1/health',
        'GET /api/v1/server/info',
        'GET /api/v1/api-keys/current',
        'POST /api/v1/api-keys',
        'POST /api/v1/users/{idOrEmail}/api-keys',
        'DELETE /api/v1/api-keys/current',
        'DELETE /api/v1/api-keys/{apikey}',
        'DELETE /api/v1/users/{idOrEmail}/api-keys/{apikey}',
        'GET /api/v1/users/me',
        'GET /api/v1/stores',
        'GET /misc/permissions',
      ]),
    );
  });
});
