import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROJECT_ROOT,
  ensureFreshBuild,
  makeHome,
  removeHome,
  runCli,
} from './run-cli';

// Wrong usage is said like every other error (docs/cli.md "Output"): an
// `Error:` line and a `Next:` line, exit 2, and a value given to an
// unknown option is never repeated.

const SLOW = 120_000;
let home: string;

beforeAll(async () => {
  await ensureFreshBuild();
  home = await makeHome();
}, SLOW);
afterAll(() => removeHome(home));

describe('btcpay-keys usage errors', () => {
  it('says a missing argument as Error: and Next:, naming the command’s help', async () => {
    const run = await runCli(home, ['key', 'revoke']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "Error: Missing required argument 'id'.\n" +
        'Next: Run `btcpay-keys key revoke --help` for its usage.\n',
    );
  });

  it('says an unknown option and command the same way', async () => {
    const option = await runCli(home, ['key', 'list', '--colour']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^Error: Unknown option '--colour'\.\n/);
    expect(option.stderr).toMatch(/^Next: .*btcpay-keys key list --help/m);

    const command = await runCli(home, ['keys']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^Error: Unknown command 'keys'/);
    expect(command.stderr).toMatch(/^Next: \S/m);
    expect(command.stderr).not.toMatch(/^error:|run with --help/m);
  });

  it.each([
    ['--password=hunter2', '--password-stdin'],
    ['--api-key=hunter2', '--key-stdin'],
    ['--secret=hunter2', '--password-stdin'],
  ])(
    'never repeats the value of %s, and points to the stdin option',
    async (given, stdinOption) => {
      const run = await runCli(home, [
        ...['key', 'create', '--server', 'https://x.test/', '--label', 'L'],
        ...['--permission', 'unrestricted', given],
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).not.toContain('hunter2');
      const name = given.split('=')[0] ?? '';
      expect(run.stderr).toMatch(
        new RegExp(`^Error: Unknown option '${name}'`),
      );
      expect(run.stderr).toMatch(/^Next: .*never on the command line/m);
      expect(run.stderr).toContain(stdinOption);
    },
  );

  it('does not repeat a value given to any unknown option', async () => {
    const run = await runCli(home, ['key', 'list', '--filter=private-text']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('private-text');
    expect(run.stderr).toMatch(/^Error: Unknown option '--filter'/);
  });

  it('prints its version with --version', async () => {
    const { version } = JSON.parse(
      await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8'),
    ) as { version: string };
    const run = await runCli(home, ['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it('refuses audit --out with an empty file name', async () => {
    const run = await runCli(home, ['audit', '--out', '']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Error: .*--out/);
    expect(run.stderr).toMatch(/^Next: \S/m);
  });
});
