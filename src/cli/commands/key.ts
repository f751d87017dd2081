import type { RegisterCommands } from '../context';
import { registerKeyAddCommands } from './key-add';
import { registerKeyInspectCommands } from './key-inspect';
import { registerKeyRemovalCommands } from './key-remove';
import { registerKeySecretCommands } from './key-secret';

/** `btcpay-keys key …`: create, import, inspect, use and remove keys. */
export const registerKeyCommands: RegisterCommands = (program, context) => {
  const key = program
    .command('key')
    .description(
      'Create, import, list, show, verify, reveal, copy, revoke and delete ' +
        'API keys.',
    );
  registerKeyAddCommands(key, context);
  registerKeyInspectCommands(key, context);
  registerKeySecretCommands(key, context);
  registerKeyRemovalCommands(key, context);
};
