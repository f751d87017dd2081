import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program';
import { silentLogger } from '../../src/log/logger';

// What `--help` prints for each command, built in process: no command may
// show an option's empty list as its default.

function everyCommand(command: Command): Command[] {
  return [command, ...command.commands.flatMap(everyCommand)];
}

function program(): Command {
  return buildProgram({
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    isTTY: false,
    color: false,
    env: {},
    logger: silentLogger,
    home: '/nonexistent/btcpay-keys-help',
  });
}

describe('btcpay-keys --help', () => {
  it('prints no empty default for an option that may be repeated', () => {
    const commands = everyCommand(program());
    const link = commands.find((c) => c.name() === 'link');
    const handle = link?.commands.find((c) => c.name() === 'handle');
    expect(handle?.helpInformation()).toMatch(/--store <id>/);

    for (const command of commands) {
      // Help wraps long lines, so the default may be split across two.
      expect(command.helpInformation(), command.name()).not.toMatch(
        /default:\s*\[\]/,
      );
    }
  });
});
