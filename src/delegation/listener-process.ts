import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { promisify } from 'node:util';

/**
 * Which local process listens on a loopback port: shown on the consent screen
 * so the user sees where a key would really go, whatever name the requesting
 * app claims. Best effort: where the OS cannot tell, the answer is null.
 */

/** A process that listens on the callback port. */
export interface ListeningProcess {
  pid: number;
  /** The program's name as the OS reports it (never its arguments). */
  name: string;
  /** The executable's path, when readable. */
  executable: string | null;
}

const run = promisify(execFile);

/** Finds the process listening on `port` on a loopback address. */
export async function findListeningProcess(
  port: number,
  platform: NodeJS.Platform = process.platform,
): Promise<ListeningProcess | null> {
  try {
    if (platform === 'linux') return await findOnLinux(port);
    if (platform === 'darwin') return await findWithLsof(port);
    if (platform === 'win32') return await findOnWindows(port);
  } catch {
    // LIMITATION: without the rights to see another user's process the
    // answer is unknown, which the consent screen says as such.
  }
  return null;
}

// /proc/net/tcp{,6}: "sl local_address rem_address st ... uid timeout inode".
// State 0A is LISTEN; the port is the hex after the colon.
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1] ?? '';
      if (fields[3] === '0A' && local.endsWith(`:${portHex}`) && fields[9]) {
        inodes.add(fields[9]);
      }
    }
  }
  return inodes;
}

async function findOnLinux(port: number): Promise<ListeningProcess | null> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return null;
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return describeLinuxProcess(Number(pid));
    }
  }
  return null;
}

async function describeLinuxProcess(pid: number): Promise<ListeningProcess> {
  const name = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  const executable = await readlink(`/proc/${pid}/exe`).catch(() => null);
  return { pid, name, executable };
}

async function findWithLsof(port: number): Promise<ListeningProcess | null> {
  const { stdout } = await run(
    'lsof',
    ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'],
    { timeout: 5000 },
  );
  const pid = /^p(\d+)$/m.exec(stdout)?.[1];
  const name = /^c(.+)$/m.exec(stdout)?.[1];
  if (!pid || !name) return null;
  return { pid: Number(pid), name, executable: null };
}

async function findOnWindows(port: number): Promise<ListeningProcess | null> {
  const { stdout } = await run('netstat', ['-ano', '-p', 'TCP'], {
    timeout: 5000,
  });
  const line = stdout
    .split(/\r?\n/)
    .find((l) => new RegExp(`:${port}\\s+\\S+\\s+LISTENING`).test(l));
  const pid = line?.trim().split(/\s+/).pop();
  if (!pid || !/^\d+$/.test(pid)) return null;
  const { stdout: task } = await run(
    'tasklist',
    ['/FI', `PID eq ${pid}`, '/FO', 'CSV', '/NH'],
    { timeout: 5000 },
  );
  const name = /^"([^"]+)"/.exec(task.trim())?.[1];
  return name ? { pid: Number(pid), name, executable: null } : null;
}
