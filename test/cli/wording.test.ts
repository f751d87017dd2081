import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, removeHome, runCli } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

// What the command line says reads as true, plain sentences.

const SLOW = 120_000;
const MERCHANT = 'merchant@sandbox.test';

const cli = useCliWithServer(SLOW);

describe('btcpay-keys wording', () => {
  it(
    'says a deleted key was already revoked, not that it still works',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Old invoices');
      expect(
        (await runCli(cli.home, ['key', 'revoke', id, '--yes'])).code,
      ).toBe(0);
      const run = await runCli(cli.home, [
        ...['key', 'delete', id, '--local-only', '--yes'],
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /^Deleted "Old invoices" \(k_\w+\) here; it was already revoked on \d{4}-\d\d-\d\dT[\d:.]+Z\.$/m,
      );
      expect(run.stdout).not.toContain('still works');
    },
    SLOW,
  );

  it(
    'names the refused action in a sentence when there is no terminal',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Invoices');
      const refusals: [string[], string][] = [
        [['key', 'revoke', id], `revoke "Invoices" (${id})`],
        [['key', 'delete', id, '--local-only'], `delete "Invoices" (${id})`],
        [
          ['key', 'reveal', id],
          `show the key "Invoices" (${id}) in clear text`,
        ],
        [['server', 'remove', cli.sandbox.url], `remove ${cli.sandbox.url}`],
      ];
      for (const [args, action] of refusals) {
        const run = await runCli(cli.home, args);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(
          `Error: Did not ${action}: that needs a confirmation, and there ` +
            'is no terminal to ask on.',
        );
        expect(run.stderr).not.toContain('?');
      }
    },
    SLOW,
  );

  it(
    'ends reconcile --repair or --delete-orphans with nothing to delete without asking',
    async () => {
      for (const option of ['--repair', '--delete-orphans']) {
        const run = await runCli(cli.home, ['reconcile', option]);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout).toContain(
          'Nothing needed repair; nothing was deleted.',
        );
      }
    },
    SLOW,
  );

  it(
    'counts one server in the singular in audit',
    async () => {
      const run = await runCli(cli.home, ['audit']);
      expect(run.stdout).toMatch(/ on 1 server; /);
    },
    SLOW,
  );

  it(
    'reports a changed event log line with one full stop',
    async () => {
      const home = await makeHome();
      try {
        for (const name of ['One', 'Two']) {
          const add = await runCli(home, [
            ...['server', 'add', cli.sandbox.url, '--name', name],
          ]);
          expect(add.code).toBe(0);
        }
        await runCli(home, ['server', 'remove', cli.sandbox.url, '--yes']);
        const log = path.join(home, 'events.jsonl');
        const lines = (await readFile(log, 'utf8')).split('\n');
        lines[0] = (lines[0] ?? '').replace('"server.', '"serverX.');
        await writeFile(log, lines.join('\n'));
        const run = await runCli(home, ['log']);
        expect(run.code).toBe(11);
        expect(run.stdout).toMatch(
          /^Hash chain broken at line \d+: .*[^.]\.$/m,
        );
      } finally {
        await removeHome(home);
      }
    },
    SLOW,
  );

  it(
    'does not call a bare 5xx from an unconfirmed address BTCPay’s problem',
    async () => {
      const plain: Server = createServer((_request, response) => {
        response.writeHead(501, { 'content-type': 'text/html' });
        response.end('<h1>Not Implemented</h1>');
      });
      await new Promise<void>((resolve) =>
        plain.listen(0, '127.0.0.1', resolve),
      );
      const home = await makeHome();
      try {
        const { port } = plain.address() as AddressInfo;
        const run = await runCli(home, [
          ...['server', 'add', `http://127.0.0.1:${port}/`],
        ]);
        expect(run.code).toBe(5);
        expect(run.stderr).toContain(
          'answered HTTP 501 without BTCPay Server’s error format; it may ' +
            'not be BTCPay Server',
        );
        expect(run.stderr).not.toContain('BTCPay Server had an internal');
      } finally {
        plain.close();
        await removeHome(home);
      }
    },
    SLOW,
  );
});
