import { METADATA_VERSION } from './schema';

/**
 * Turns a document of version N into one of version N + 1. It receives the
 * raw JSON (not yet schema-checked) and returns raw JSON; the result is
 * checked against the current schema after the last step.
 */
export type Migration = (document: Record<string, unknown>) => unknown;

/**
 * The upgrade steps, by the version they upgrade from. A schema change adds
 * `N: (document) => ...` here and bumps `METADATA_VERSION`.
 */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  // Version 2 scopes keychain accounts to their folder. A folder made
  // before keeps its bare key ids as accounts (null namespace), so no
  // secret has to move; its entries stay where they are.
  1: ({ version: _version, ...rest }) => ({
    version: 2,
    keychainNamespace: null,
    ...rest,
  }),
};

/** A document the migrations cannot bring to the current version. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** A document written by a newer BTCPay Key Manager than this one. */
export class NewerVersionError extends Error {
  override readonly name = 'NewerVersionError';

  constructor(readonly version: number) {
    super(
      `it was written by a newer BTCPay Key Manager (metadata version ` +
        `${version}, this one reads up to ${METADATA_VERSION})`,
    );
  }
}

/** Brings `raw` up to `METADATA_VERSION`, one step at a time. */
export function migrateMetadata(
  raw: unknown,
  migrations: Readonly<Record<number, Migration>> = MIGRATIONS,
): unknown {
  let document = raw;
  for (;;) {
    if (!isRecord(document)) {
      throw new MigrationError('it is not a JSON object');
    }
    const version = document['version'];
    if (typeof version !== 'number' || !Number.isInteger(version)) {
      throw new MigrationError('it has no whole-number "version" field');
    }
    if (version === METADATA_VERSION) return document;
    if (version > METADATA_VERSION) throw new NewerVersionError(version);

    const step = migrations[version];
    if (!step) {
      throw new MigrationError(`no upgrade is known from version ${version}`);
    }
    const upgraded = step(document);
    if (isRecord(upgraded) && upgraded['version'] !== version + 1) {
      throw new MigrationError(
        `the upgrade from version ${version} did not produce version ` +
          `${version + 1}`,
      );
    }
    document = upgraded;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
