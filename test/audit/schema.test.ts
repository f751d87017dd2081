import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_REPORT_VERSION } from '../../src/audit';
import { ExitCode, type CliContext } from '../../src/cli/context';
import { runCli } from '../../src/cli/program';
import { silentLogger } from '../../src/log/logger';
import {
  cleanKey,
  daysAgo,
  makeHome,
  metadataOf,
  removeHome,
  server,
  writeVault,
} from './fixtures';

const SHIPPED_SCHEMA = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../docs/audit-report.schema.json',
);

let home: string;

beforeEach(async () => {
  home = await makeHome();
  const now = new Date();
  await writeVault(
    home,
    metadataOf(
      [server(), server({ id: 'srv-plain', baseUrl: 'http://shop.example/' })],
      [
        cleanKey('k-admin', { grantedPermissions: ['unrestricted'] }, now),
        cleanKey('k-old', { createdAt: daysAgo(400, now) }, now),
        cleanKey('k-never', { lastVerification: null }, now),
        cleanKey('k-gone', { revokedAt: daysAgo(2, now) }, now),
      ],
    ),
  );
});
afterEach(() => removeHome(home));

/** Runs `btcpay-keys` in-process on the test's data folder. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const context: CliContext = {
    stdout,
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    isTTY: false,
    color: false,
    env: {},
    logger: silentLogger,
    home,
  };
  const code = await runCli(args, context);
  return { code, out };
}

/**
 * A strict validator. Only strictRequired is relaxed: zod lists a record's
 * enum keys under `required` without a `properties` entry for each.
 */
function validatorFor(schema: unknown) {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
  });
  addFormats(ajv);
  return { ajv, validate: ajv.compile(schema as object) };
}

describe('btcpay-keys audit --schema', () => {
  it('prints the schema a real --json report validates against', async () => {
    const printed = await cli(['audit', '--schema']);
    expect(printed.code).toBe(ExitCode.ok);
    const schema: unknown = JSON.parse(printed.out);
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: expect.stringContaining(`schema version ${AUDIT_REPORT_VERSION}`),
    });

    const audited = await cli(['audit', '--json']);
    const report = JSON.parse(audited.out) as {
      findings: { rule: string; severity: string }[];
      inventory: unknown[];
    };
    expect(report.inventory).toHaveLength(4);
    expect(report.findings.length).toBeGreaterThan(2);

    const { ajv, validate } = validatorFor(schema);
    expect(validate(report), ajv.errorsText(validate.errors)).toBe(true);

    // The schema is strict enough to refuse a report a script cannot trust.
    const tampered = structuredClone(report);
    if (tampered.findings[0]) tampered.findings[0].severity = 'urgent';
    expect(validate(tampered)).toBe(false);
  });

  it('matches the copy shipped in docs/audit-report.schema.json', async () => {
    const printed = await cli(['audit', '--schema']);
    const shipped: unknown = JSON.parse(await readFile(SHIPPED_SCHEMA, 'utf8'));
    expect(JSON.parse(printed.out)).toEqual(shipped);
  });

  it('needs no data folder and reads none', async () => {
    await removeHome(home);
    const printed = await cli(['audit', '--schema']);
    expect(printed.code).toBe(ExitCode.ok);
    expect(JSON.parse(printed.out)).toHaveProperty('properties.findings');
  });
});
