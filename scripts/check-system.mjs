// Checks the system components the tests need and fails with the exact
// command that installs a missing one. It never lets a suite skip silently.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const missing = [];

function has(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (process.platform !== 'linux' && !existsSync(chromium)) {
  // No package manager to name here: the README says what to install.
  console.error(
    `The UI tests drive Chromium, and none is at ${chromium}. Install Chromium or Chrome and set CHROMIUM_PATH to its binary.`,
  );
  process.exit(3);
}

if (process.platform === 'linux') {
  if (!existsSync(chromium)) missing.push(['Chromium', 'chromium']);
  if (!has('dbus-run-session')) missing.push(['a D-Bus session bus', 'dbus']);
  // Tells a locked keyring from a missing key, and locks one in the tests.
  if (!has('dbus-send')) missing.push(['dbus-send', 'dbus']);
  if (!has('gnome-keyring-daemon'))
    missing.push(['the Secret Service (gnome-keyring)', 'gnome-keyring']);
}

try {
  require('keytar');
} catch (error) {
  missing.push([
    `keytar's native module (${error.message.split('\n')[0]})`,
    'libsecret-1-dev',
  ]);
}

if (missing.length > 0) {
  console.error('The tests need system components that are missing:');
  for (const [what] of missing) console.error(`  - ${what}`);
  const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
  console.error('Install them with:');
  console.error(`  sudo apt-get install -y ${packages}`);
  if (packages.includes('libsecret')) console.error('  npm rebuild keytar');
  process.exit(3);
}
