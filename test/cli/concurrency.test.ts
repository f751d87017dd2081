import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addServer, importKey } from '../../src/keys';
import { openVault, type Vault } from '../../src/vault';
import type { Sandbox } from '../sandbox';
import { startRelaxedSandbox } from '../keys/fixtures';
import { ensureFreshBuild, makeHome, removeHome, runCli } from './run-cli';

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 180_000;

let sandbox: Sandbox;
let second: Sandbox;
let home: string;
let vault: Vault;

beforeAll(async () => {
  await ensureFreshBuild();
  sandbox = await startRelaxedSandbox();
  second = await startRelaxedSandbox();
  home = await makeHome();
  vault = await openVault({ home });
}, SLOW);

afterAll(async () => {
  await sandbox.close();
  await second.close();
  await removeHome(home);
});

describe('the command line and the app writing at the same time', () => {
  it(
    'loses no server, key or secret',
    async () => {
      const { server } = await addServer(vault, sandbox.url);
      const cliSecrets = Array.from({ length: 4 }, (_, i) =>
        sandbox.admin.mintKey(MERCHANT, [], `cli ${i}`),
      );
      const appSecrets = Array.from({ length: 8 }, (_, i) =>
        sandbox.admin.mintKey(MERCHANT, [], `app ${i}`),
      );

      // The CLI processes and the in-process "app" all write the same vault.
      const cliRuns = Promise.all([
        runCli(home, ['server', 'add', second.url, '--name', 'Second']),
        ...cliSecrets.map((secret) =>
          runCli(
            home,
            ['key', 'import', '--server', sandbox.url, '--key-stdin'],
            { input: secret },
          ),
        ),
      ]);
      const appWrites = (async () => {
        for (const secret of appSecrets) {
          await importKey(vault, { serverId: server.id, secret });
        }
      })();
      const [runs] = await Promise.all([cliRuns, appWrites]);

      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      const metadata = await vault.metadata();
      expect(metadata.servers.map((s) => s.baseUrl).sort()).toEqual(
        [sandbox.url, second.url].sort(),
      );
      expect(metadata.keys.map((k) => k.label).sort()).toEqual(
        [
          ...cliSecrets.map((_, i) => `cli ${i}`),
          ...appSecrets.map((_, i) => `app ${i}`),
        ].sort(),
      );
      for (const key of metadata.keys) {
        expect(await vault.readSecret(key.id, 'use')).toMatch(/^[0-9a-f]{40}$/);
      }
      const report = await vault.reconcile({ repair: false });
      const ours = new Set(metadata.keys.map((k) => k.id));
      expect(report.metadataWithoutSecret).toEqual([]);
      expect(
        report.secretsWithoutMetadata.filter((id) => ours.has(id)),
      ).toEqual([]);
      expect((await vault.verifyLog()).ok).toBe(true);
    },
    SLOW,
  );
});
