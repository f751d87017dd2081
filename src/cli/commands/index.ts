import type { RegisterCommands } from '../context';
import { registerAuditCommand } from './audit';
import { registerAuthorizeCommand } from './authorize';
import { registerKeyCommands } from './key';
import { registerClipboardClearer } from './key-secret';
import { registerLinkCommands } from './link';
import { registerLogCommand } from './log';
import { registerReconcileCommand } from './reconcile';
import { registerServerCommands } from './server';

/**
 * Every command module of `btcpay-keys`, in the order `--help` lists them.
 * A feature adds its commands by adding its module here.
 */
export const commandModules: RegisterCommands[] = [
  registerServerCommands,
  registerKeyCommands,
  registerAuthorizeCommand,
  registerLinkCommands,
  registerLogCommand,
  registerAuditCommand,
  registerReconcileCommand,
  registerClipboardClearer,
];
