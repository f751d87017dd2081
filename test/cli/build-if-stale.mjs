// Rebuilds dist/cli when a source file is newer than the build. Tests run it
// under a lock (see run-cli.ts), and the check happens inside the lock, so a
// test file never rebuilds (and empties dist/cli) under another one's feet.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const built = path.join(root, 'dist', 'cli', 'btcpay-keys.js');

function modifiedAt(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

const newestSource = Math.max(
  0,
  ...readdirSync(path.join(root, 'src'), {
    recursive: true,
    withFileTypes: true,
  })
    .filter((entry) => entry.isFile())
    .map((entry) => modifiedAt(path.join(entry.parentPath, entry.name))),
);

if (modifiedAt(built) <= newestSource) {
  const result = spawnSync(process.execPath, ['scripts/build-cli.mjs'], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}
