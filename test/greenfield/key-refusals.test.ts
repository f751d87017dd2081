import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGreenfieldClient,
  type GreenfieldAuth,
  type GreenfieldClient,
} from '../../src/greenfield';
import { errorFromAnswer } from '../../src/greenfield/responses';
import { send } from '../../src/greenfield/transport';
import { silentLogger } from '../../src/log/logger';
import { startSandbox, type Sandbox } from '../sandbox';
import { expectKind, failureOf } from './support/expect-failure';

// What BTCPay answers when a key, its owner or the request is refused, and
// what the merchant is told to do about it.

let sandbox: Sandbox;
let client: GreenfieldClient;

function email(role: string): string {
  const found = sandbox.users.find((candidate) => candidate.role === role);
  if (!found) throw new Error(`the sandbox has no ${role} user`);
  return found.email;
}

function tokenFor(role: string, permissions: string[]): GreenfieldAuth {
  return {
    kind: 'token',
    apiKey: sandbox.admin.mintKey(email(role), permissions),
  };
}

function keyOf(auth: GreenfieldAuth): string {
  if (auth.kind !== 'token') throw new Error('not a key');
  return auth.apiKey;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  client = createGreenfieldClient({ baseUrl: sandbox.url });
});
afterAll(() => sandbox.close());

describe('a key the server does not know', () => {
  it('is reported as revoked or never existing', async () => {
    const auth = tokenFor('merchant', []);
    sandbox.admin.revokeKey(keyOf(auth));
    const error = await failureOf(client.currentApiKey(keyOf(auth)));
    expectKind(error, 'key-unknown');
    expect(error.status).toBe(401);
    expect(error.code).toBe('unauthenticated');
    expect(error.message).toMatch(/revoked/);
  });

  it('is refused before sending when it cannot be a key at all', async () => {
    const before = sandbox.admin.requests.length;
    const error = await failureOf(client.currentApiKey('abc def\n'));
    expectKind(error, 'key-unknown');
    expect(sandbox.admin.requests).toHaveLength(before);
  });
});

describe("a valid key whose owner's account is blocked", () => {
  it('is never called revoked while the owner is locked out', async () => {
    const auth = tokenFor('lockme', []);
    sandbox.admin.lockOut(email('lockme'));
    try {
      const error = await failureOf(client.currentApiKey(keyOf(auth)));
      expectKind(error, 'owner-blocked');
      expect(error.ownerBlockedReason).toBe('disabled-or-locked');
      expect(error.message).toMatch(/key is valid/);
      expect(error.message).not.toMatch(/revoked/);
      expect(error.nextStep).toMatch(/5 minutes/);
    } finally {
      sandbox.admin.unlock(email('lockme'));
    }
    await expect(client.currentApiKey(keyOf(auth))).resolves.toBeTruthy();
  });

  it('says an admin disabled the account', async () => {
    const auth = tokenFor('merchant', []);
    sandbox.admin.setDisabled(email('merchant'), true);
    try {
      const error = await failureOf(client.serverInfo(auth));
      expectKind(error, 'owner-blocked');
      expect(error.nextStep).toMatch(/admin/);
    } finally {
      sandbox.admin.setDisabled(email('merchant'), false);
    }
  });

  it.each([
    ['unconfirmed', 'unconfirmed-email', /email/],
    ['unapproved', 'unapproved', /approv/],
  ] as const)(
    'says a %s account must be fixed first',
    async (role, reason, step) => {
      const error = await failureOf(
        client.currentApiKey(keyOf(tokenFor(role, []))),
      );
      expectKind(error, 'owner-blocked');
      expect(error.ownerBlockedReason).toBe(reason);
      expect(error.nextStep).toMatch(step);
    },
  );
});

describe('a request without credentials', () => {
  it('is refused before sending when the key is empty', async () => {
    const before = sandbox.admin.requests.length;
    const error = await failureOf(
      client.listStores({ kind: 'token', apiKey: '' }),
    );
    expectKind(error, 'unauthenticated');
    expect(sandbox.admin.requests).toHaveLength(before);
  });

  it("is explained from BTCPay's own answer when nothing was sent", async () => {
    const raw = await send({
      method: 'GET',
      url: `${sandbox.url}api/v1/stores`,
      route: 'GET /api/v1/stores',
      headers: { accept: 'application/json' },
      timeoutMs: 5_000,
      logger: silentLogger,
    });
    const error = errorFromAnswer(raw, { auth: 'none' });
    expectKind(error, 'unauthenticated');
    expect(error.status).toBe(401);
  });
});

describe('a missing permission', () => {
  it('names the permission and says it may be the store role or the store', async () => {
    const error = await failureOf(
      client.listStores(tokenFor('merchant', ['btcpay.store.canviewinvoices'])),
    );
    expectKind(error, 'missing-permission');
    expect(error.status).toBe(403);
    expect(error.missingPermission).toBe('btcpay.store.canviewstoresettings');
    expect(error.message).toMatch(/role/);
    expect(error.message).toMatch(/store no longer/);
  });

  it('is reported when the key has it but the user is no admin', async () => {
    const error = await failureOf(
      client.createUserApiKey(
        tokenFor('merchant', ['unrestricted']),
        email('guest'),
        { permissions: [] },
      ),
    );
    expectKind(error, 'missing-permission');
    expect(error.missingPermission).toBe('btcpay.server.canmanageusers');
  });

  it('is reported for a profile read with a store-only key', async () => {
    const error = await failureOf(
      client.currentUser(
        tokenFor('merchant', ['btcpay.store.canmodifystoresettings']),
      ),
    );
    expect(error.missingPermission).toBe('btcpay.user.canviewprofile');
  });
});

describe('validation', () => {
  it('names the permission a permissions[N] path points at', async () => {
    const sent = ['btcpay.store.canviewinvoices', 'btcpay.store:'];
    const error = await failureOf(
      client.createApiKey(tokenFor('merchant', ['unrestricted']), {
        permissions: sent,
      }),
    );
    expectKind(error, 'validation');
    expect(error.status).toBe(422);
    expect(error.validation).toEqual([
      {
        path: 'permissions[1]',
        message: "Invalid 'Permission' String",
        permission: 'btcpay.store:',
      },
    ]);
    expect(error.message).toContain('btcpay.store:');
    // A malformed permission is not blamed on the server's version.
    expect(error.message).not.toMatch(/added in/);
  });

  it('says which server version added a permission an older server refuses', async () => {
    const older = await startSandbox({ port: 0, version: '2.3.5' });
    try {
      const merchant = older.users.find((u) => u.role === 'merchant')!;
      const apiKey = older.admin.mintKey(merchant.email, ['unrestricted']);
      const error = await failureOf(
        createGreenfieldClient({ baseUrl: older.url }).createApiKey(
          { kind: 'token', apiKey },
          {
            permissions: [
              'btcpay.store.canviewinvoices',
              'btcpay.store.canviewwallet',
            ],
          },
        ),
      );
      expectKind(error, 'validation');
      expect(error.validation?.[0]?.permission).toBe(
        'btcpay.store.canviewwallet',
      );
      expect(error.message).toContain('btcpay.store.canviewwallet');
      expect(error.message).toContain('2.4.0');
      expect(error.nextStep).toMatch(/update BTCPay Server to 2\.4\.0/);
    } finally {
      await older.close();
    }
  });
});

describe('not found', () => {
  it('reports a key to revoke that does not exist (400 apikey-not-found)', async () => {
    const error = await failureOf(
      client.revokeApiKey(
        tokenFor('merchant', ['unrestricted']),
        'f'.repeat(40),
      ),
    );
    expectKind(error, 'not-found');
    expect(error.status).toBe(400);
    expect(error.code).toBe('apikey-not-found');
    expect(error.message).not.toContain('f'.repeat(40));
  });

  it("reports another user's key as not found rather than revoking it", async () => {
    const othersKey = keyOf(tokenFor('guest', []));
    const error = await failureOf(
      client.revokeApiKey(tokenFor('merchant', ['unrestricted']), othersKey),
    );
    expect(error.code).toBe('apikey-not-found');
    const left = sandbox.admin.keysOf(email('guest')).map((key) => key.apiKey);
    expect(left).toContain(othersKey);
  });

  it('reports an unknown user (404 user-not-found)', async () => {
    const admin = tokenFor('admin', ['btcpay.server.canmanageusers']);
    const error = await failureOf(
      client.revokeUserApiKey(admin, 'nobody@sandbox.test', 'a'.repeat(40)),
    );
    expectKind(error, 'not-found');
    expect(error.status).toBe(404);
    expect(error.code).toBe('user-not-found');
  });
});
