import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// electron-builder reads electron-builder.yml with js-yaml and validates it
// against the scheme.json app-builder-lib ships, with ajv in non-strict mode
// (the schema uses a custom `typeof` keyword). This test does the same.

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const root = path.resolve(import.meta.dirname, '..', '..');

function loadConfig(): Record<string, unknown> {
  const text = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
  return yaml.load(text) as Record<string, unknown>;
}

function validatorOfElectronBuilder() {
  const schemePath = require.resolve('app-builder-lib/scheme.json');
  const scheme = JSON.parse(readFileSync(schemePath, 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(scheme);
}

describe('electron-builder.yml', () => {
  it('matches the JSON schema electron-builder validates with', () => {
    const validate = validatorOfElectronBuilder();
    const valid = validate(loadConfig());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('rejects a misspelt option, so the schema check has teeth', () => {
    const validate = validatorOfElectronBuilder();
    expect(validate({ ...loadConfig(), protocolz: [] })).toBe(false);
  });

  it('names the product and builds every installer the README promises', () => {
    const config = loadConfig();
    expect(config['productName']).toBe('BTCPay Key Manager');
    expect(config['appId']).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config['linux']).toMatchObject({ target: ['AppImage', 'deb'] });
    expect(config['mac']).toMatchObject({ target: 'dmg' });
    expect(config['win']).toMatchObject({ target: 'nsis' });
  });

  it('registers the btcpay-keys scheme for macOS and the Linux desktop entry', () => {
    const config = loadConfig();
    expect(config['protocols']).toEqual([
      expect.objectContaining({ schemes: ['btcpay-keys'] }),
    ]);
    const linux = config['linux'] as {
      mimeTypes: string[];
      desktop: { entry: Record<string, string> };
    };
    expect(linux.mimeTypes).toContain('x-scheme-handler/btcpay-keys');
    expect(linux.desktop.entry['MimeType']).toBe(
      'x-scheme-handler/btcpay-keys;',
    );
  });

  it('unpacks keytar from the archive so its native module can load', () => {
    const unpack = loadConfig()['asarUnpack'] as string[];
    expect(unpack).toContain('node_modules/keytar/**/*');
  });

  it('flips the fuses that stop the app being used as a Node runtime', () => {
    expect(loadConfig()['electronFuses']).toMatchObject({
      runAsNode: false,
      enableNodeCliInspectArguments: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });
});
