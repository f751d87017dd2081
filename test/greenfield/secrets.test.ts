import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGreenfieldClient,
  GreenfieldError,
  type GreenfieldAuth,
} from '../../src/greenfield';
import { createLogger } from '../../src/log/logger';
import { startSandbox, type Sandbox } from '../sandbox';
import { closedPort } from './support/local-server';

// API keys and passwords reach BTCPay in headers and nowhere else: not in
// logs, not in error messages, not in what an error serialises to.

let sandbox: Sandbox;
let logFolder: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  logFolder = mkdtempSync(path.join(tmpdir(), 'gf-log-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(logFolder, { recursive: true, force: true });
});

function everythingAbout(error: unknown): string {
  if (!(error instanceof GreenfieldError)) {
    throw new Error(`expected a GreenfieldError, got ${String(error)}`);
  }
  return [
    error.message,
    error.nextStep,
    String(error),
    error.stack ?? '',
    JSON.stringify(error),
  ].join('\n');
}

describe('secrets', () => {
  it('never appear in logs or errors, whatever the outcome', async () => {
    const logFile = path.join(logFolder, 'greenfield.log');
    const logger = createLogger({ level: 'debug', destination: logFile });
    const client = createGreenfieldClient({ baseUrl: sandbox.url, logger });
    const merchant = sandbox.users.find((user) => user.role === 'merchant')!;
    const apiKey = sandbox.admin.mintKey(merchant.email, ['unrestricted']);
    const doomedKey = sandbox.admin.mintKey(merchant.email, []);
    const token: GreenfieldAuth = { kind: 'token', apiKey };
    const wrongPassword = 'Wrong-Pa55word-123';
    const basicHeader = Buffer.from(
      `${merchant.email}:${merchant.password}`,
    ).toString('base64');
    const secrets = [apiKey, doomedKey, merchant.password, wrongPassword];

    const created = await client.createApiKey(
      { kind: 'basic', email: merchant.email, password: merchant.password },
      { label: 'logged' },
    );
    secrets.push(created.apiKey);
    await client.revokeApiKey(token, doomedKey);

    const errors: unknown[] = [];
    const collect = (promise: Promise<unknown>) =>
      promise.then(
        () => errors.push(new Error('expected a failure')),
        (error: unknown) => errors.push(error),
      );
    await collect(client.revokeApiKey(token, doomedKey));
    await collect(client.currentApiKey(doomedKey));
    await collect(
      client.serverInfo({
        kind: 'basic',
        email: merchant.email,
        password: wrongPassword,
      }),
    );
    await collect(
      client.serverInfo({
        kind: 'basic',
        email: merchant.email,
        password: `with:${wrongPassword}`,
      }),
    );
    const unreachable = createGreenfieldClient({
      baseUrl: `http://127.0.0.1:${await closedPort()}/`,
      logger,
    });
    await collect(unreachable.revokeApiKey(token, doomedKey));
    logger.flush();

    const log = readFileSync(logFile, 'utf8');
    // The log did record the calls, by route and without the key in the path.
    expect(log).toContain('DELETE /api/v1/api-keys/{apikey}');
    expect(log).toContain('"kind":"network"');
    expect(errors.map((error) => (error as GreenfieldError).kind)).toEqual([
      'not-found',
      'key-unknown',
      'basic-auth-failed',
      'password-has-colon',
      'network',
    ]);
    const told = errors.map(everythingAbout).join('\n');
    for (const secret of [...secrets, basicHeader]) {
      expect(log).not.toContain(secret);
      expect(told).not.toContain(secret);
    }
  });
});
