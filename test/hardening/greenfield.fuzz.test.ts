import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKeyData,
  ApplicationUserData,
  createGreenfieldClient,
  GreenfieldError,
  Health,
  PermissionMetadata,
  ServerInfo,
  StoreData,
  type GreenfieldClient,
} from '../../src/greenfield';
import {
  startLocalServer,
  type LocalServer,
} from '../greenfield/support/local-server';
import { httpStatus, nastyText, permissionText } from './support/arbitraries';

/**
 * Every Greenfield call the app makes, answered by a server that says
 * anything at all: each call either returns a value its schema accepts or
 * fails with a GreenfieldError that says what to do, and never repeats a
 * request on its own.
 */

const API_KEY = 'f'.repeat(8) + '0123456789abcdef0123456789abcdef';
const PASSWORD = 'Fuzz-Password-7c1e';
const token = { kind: 'token', apiKey: API_KEY } as const;
const basic = {
  kind: 'basic',
  email: 'owner@example.com',
  password: PASSWORD,
} as const;

/** One answer the fuzzed server gives. */
interface Answer {
  status: number;
  contentType: string | null;
  body: string;
  headers: Record<string, string>;
}

const errorBody = fc.record({
  code: fc.oneof(
    fc.constantFrom(
      'unauthenticated',
      'missing-permission',
      'apikey-not-found',
      'user-not-found',
      'generic-error',
    ),
    fc.string({ maxLength: 20 }),
  ),
  message: nastyText,
  missingPermission: fc.option(permissionText, { nil: undefined }),
});

const shapedJson = fc.oneof(
  fc.record({
    apiKey: fc.stringMatching(/^[0-9a-f]{40}$/),
    label: nastyText,
    permissions: fc.array(permissionText, { maxLength: 5 }),
  }),
  fc.record({ synchronized: fc.boolean() }),
  fc.record({
    version: fc.string({ maxLength: 12 }),
    onion: fc.constant(null),
  }),
  errorBody,
  fc.array(
    fc.record({ path: fc.string({ maxLength: 20 }), message: nastyText }),
    { maxLength: 3 },
  ),
  fc.array(fc.record({ id: fc.string(), name: nastyText }), { maxLength: 3 }),
);

/** A valid answer body, with one thing changed or nothing at all. */
function nearly(example: unknown): fc.Arbitrary<unknown> {
  if (Array.isArray(example)) {
    return fc.array(nearly(example[0]), { maxLength: 4 });
  }
  if (example === null || typeof example !== 'object') {
    return fc.oneof(fc.constant(example), fc.jsonValue({ maxDepth: 1 }));
  }
  const fields = Object.keys(example);
  const without = (field: string) =>
    Object.fromEntries(Object.entries(example).filter(([k]) => k !== field));
  return fc.oneof(
    fc.constant(example),
    fc.constantFrom(...fields).map(without),
    fc
      .tuple(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 }))
      .map(([field, value]) => ({ ...example, [field]: value })),
    fc
      .tuple(fc.oneof(nastyText, fc.string()), fc.jsonValue({ maxDepth: 2 }))
      .map(([field, value]) => ({ ...example, [field]: value })),
  );
}

/**
 * What the fuzzed server answers a call whose valid answer is `example`:
 * mostly a 200, half the time with a near-miss of the real body, so both
 * the accepting and the refusing side of the call's parser run often.
 */
function answerFor(example: unknown): fc.Arbitrary<Answer> {
  return fc.record({
    status: fc.oneof(
      { weight: 3, arbitrary: fc.constant(200) },
      { weight: 2, arbitrary: httpStatus },
    ),
    contentType: fc.option(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/problem+json',
        'text/html; charset=utf-8',
        'text/plain',
      ),
      { freq: 8 },
    ),
    body: fc.oneof(
      { weight: 4, arbitrary: nearly(example).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: shapedJson.map((v) => JSON.stringify(v)) },
      {
        weight: 1,
        arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      },
      { weight: 1, arbitrary: nastyText },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '',
          '{',
          '<html><form action="/login"></form></html>',
        ),
      },
    ),
    headers: fc.record(
      {
        // Only what Node lets a server send in a header at all.
        'retry-after': fc.oneof(
          fc.nat({ max: 100_000 }).map(String),
          fc.stringMatching(/^[\x21-\x7e]{0,20}$/),
        ),
        'www-authenticate': fc.constantFrom('Basic realm="BTCPay"', 'Bearer'),
        location: fc.constantFrom('/login', 'https://elsewhere.example/'),
      },
      { requiredKeys: [] },
    ),
  });
}

type Call = {
  name: string;
  run: (client: GreenfieldClient) => Promise<unknown>;
  /** A body BTCPay really answers this call with. */
  example: unknown;
  /** Checks what a successful call returned. */
  accepts: (value: unknown) => boolean;
};

const isVoid = (value: unknown): boolean => value === undefined;
const parses =
  (schema: { safeParse(value: unknown): { success: boolean } }) =>
  (value: unknown): boolean =>
    schema.safeParse(value).success;
const eachParses =
  (schema: { safeParse(value: unknown): { success: boolean } }) =>
  (value: unknown): boolean =>
    Array.isArray(value) && value.every(parses(schema));

const KEY_EXAMPLE = {
  apiKey: 'a'.repeat(40),
  label: 'Shop plugin',
  permissions: ['btcpay.store.canviewinvoices:Store1'],
};

const CALLS: Call[] = [
  {
    name: 'health',
    run: (c) => c.health(),
    example: { synchronized: true },
    accepts: parses(Health),
  },
  {
    name: 'serverInfo',
    run: (c) => c.serverInfo(token),
    example: {
      version: '2.4.1',
      onion: null,
      supportedPaymentMethods: ['BTC-CHAIN'],
      fullySynched: true,
      syncStatus: [
        {
          paymentMethodId: 'BTC-CHAIN',
          available: true,
          chainHeight: 850_000,
          syncHeight: 850_000,
          nodeInformation: { headers: 1, blocks: 1, verificationProgress: 1 },
        },
      ],
    },
    accepts: parses(ServerInfo),
  },
  {
    name: 'currentApiKey',
    run: (c) => c.currentApiKey(API_KEY),
    example: KEY_EXAMPLE,
    accepts: parses(ApiKeyData),
  },
  {
    name: 'createApiKey',
    run: (c) =>
      c.createApiKey(basic, { label: 'x', permissions: ['unrestricted'] }),
    example: KEY_EXAMPLE,
    accepts: parses(ApiKeyData),
  },
  {
    name: 'createUserApiKey',
    run: (c) => c.createUserApiKey(token, 'someone@example.com', {}),
    example: KEY_EXAMPLE,
    accepts: parses(ApiKeyData),
  },
  {
    name: 'revokeCurrentApiKey',
    run: (c) => c.revokeCurrentApiKey(API_KEY),
    example: null,
    accepts: isVoid,
  },
  {
    name: 'revokeApiKey',
    run: (c) => c.revokeApiKey(basic, 'a'.repeat(40)),
    example: null,
    accepts: isVoid,
  },
  {
    name: 'revokeUserApiKey',
    run: (c) =>
      c.revokeUserApiKey(token, 'someone@example.com', 'b'.repeat(40)),
    example: null,
    accepts: isVoid,
  },
  {
    name: 'currentUser',
    run: (c) => c.currentUser(token),
    example: {
      id: 'user-1',
      email: 'owner@example.com',
      name: null,
      imageUrl: null,
      invitationUrl: null,
      emailConfirmed: true,
      roles: ['ServerAdmin'],
      created: 1_700_000_000,
      disabled: false,
      storeQuota: null,
    },
    accepts: parses(ApplicationUserData),
  },
  {
    name: 'listStores',
    run: (c) => c.listStores(token),
    example: [
      {
        id: 'Store1',
        name: 'Shop',
        website: null,
        defaultCurrency: 'USD',
        archived: false,
        speedPolicy: 'MediumSpeed',
      },
    ],
    accepts: eachParses(StoreData),
  },
  {
    name: 'permissionsMetadata',
    run: (c) => c.permissionsMetadata(token),
    example: [
      {
        name: 'btcpay.store.canmodifystoresettings',
        included: ['btcpay.store.canviewstoresettings'],
      },
    ],
    accepts: eachParses(PermissionMetadata),
  },
];

/**
 * Cases per call. LIMITATION: about 1 ms each over real HTTP, so the
 * default keeps the file near half a minute; raise it for a deeper run.
 */
const RUNS_PER_CALL = Number(process.env['FUZZ_RUNS_PER_CALL'] ?? 2_000);

function send(response: ServerResponse, next: Answer): void {
  const headers: Record<string, string> = { ...next.headers };
  if (next.contentType !== null) headers['content-type'] = next.contentType;
  response.writeHead(next.status, headers);
  response.end(next.body);
}

describe('the Greenfield client against a server that answers anything', () => {
  let server: LocalServer;
  let next: Answer;
  let client: GreenfieldClient;

  beforeAll(async () => {
    server = await startLocalServer((_request, response) =>
      send(response, next),
    );
    client = createGreenfieldClient({ baseUrl: server.url, timeoutMs: 5_000 });
  });
  afterAll(() => server.close());

  it.each(CALLS)(
    '$name returns a schema-valid value or a GreenfieldError with a next step, once per call',
    async (call) => {
      const outcomes = { resolved: 0, failed: 0 };
      await fc.assert(
        fc.asyncProperty(answerFor(call.example), async (fuzzed) => {
          next = fuzzed;
          const sentBefore = server.requests.length;
          try {
            const value = await call.run(client);
            outcomes.resolved += 1;
            expect(call.accepts(value), `${call.name} returned junk`).toBe(
              true,
            );
          } catch (error) {
            outcomes.failed += 1;
            expect(error).toBeInstanceOf(GreenfieldError);
            const failure = error as GreenfieldError;
            expect(failure.message.trim()).not.toBe('');
            expect(failure.nextStep.trim()).not.toBe('');
            const shown = JSON.stringify(failure.toJSON()) + failure.message;
            expect(shown).not.toContain(API_KEY);
            expect(shown).not.toContain(PASSWORD);
          }
          // No retries: one call, one request.
          expect(server.requests.length - sentBefore).toBe(1);
        }),
        { numRuns: RUNS_PER_CALL },
      );
      // Both sides of the parser ran often, not just once by luck.
      expect(outcomes.resolved).toBeGreaterThan(RUNS_PER_CALL / 50);
      expect(outcomes.failed).toBeGreaterThan(RUNS_PER_CALL / 50);
    },
    120_000,
  );
});
