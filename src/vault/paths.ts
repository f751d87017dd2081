import os from 'node:os';
import path from 'node:path';

/** The product name Electron derives its `userData` folder from. */
export const PRODUCT_NAME = 'BTCPay Key Manager';

/**
 * The data folder shared by the Electron app and the command line.
 *
 * `BTCPAY_KEYS_HOME` wins; otherwise it is the folder Electron's
 * `app.getPath('userData')` gives for this product on each OS, so both
 * programs read and write the same metadata without talking to each other.
 */
export function dataHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  homedir: string = os.homedir(),
): string {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const override = env['BTCPAY_KEYS_HOME'];
  if (override) return paths.resolve(override);

  return paths.join(appDataFolder(env, platform, homedir), PRODUCT_NAME);
}

/** Electron's `appData` folder: where every app keeps its `userData`. */
function appDataFolder(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  homedir: string,
): string {
  if (platform === 'win32') {
    return env['APPDATA'] || path.win32.join(homedir, 'AppData', 'Roaming');
  }
  if (platform === 'darwin') {
    return path.posix.join(homedir, 'Library', 'Application Support');
  }
  // Linux and the other Unixes follow the XDG base directory rules.
  return env['XDG_CONFIG_HOME'] || path.posix.join(homedir, '.config');
}

/** The files the vault keeps inside the data folder. */
export interface VaultFiles {
  /** Servers, keys and settings: the versioned JSON document. */
  metadata: string;
  /** The append-only event log, one JSON entry per line. */
  events: string;
  /** The last entry's sequence number and hash, to detect a shortened log. */
  eventsHead: string;
  /** The cross-process lock the app and the command line share. */
  lock: string;
  /** Where the logger writes its files. */
  logs: string;
}

/** Where each vault file lives inside `home`. */
export function vaultFiles(home: string): VaultFiles {
  return {
    metadata: path.join(home, 'metadata.json'),
    events: path.join(home, 'events.jsonl'),
    eventsHead: path.join(home, 'events.head.json'),
    lock: path.join(home, 'vault.lock'),
    logs: path.join(home, 'logs'),
  };
}
