import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGreenfieldClient } from '../../src/greenfield';
import { recordCommandOutput, recordTestSecret } from '../support/secrets';
import { walkThroughSteps, type WalkThroughStep } from './readme';
import {
  ensureFreshBuild,
  makeHome,
  PROJECT_ROOT,
  removeHome,
  runCliJson,
} from './run-cli';

// README.md's command-line walk-through, run the way a newcomer runs it: the
// sandbox started with the README's own command, then every step of the
// README's block in a real terminal (prompts answered as a person would),
// the real keychain underneath. The steps are read from README.md, so the
// document cannot drift from what works.

const SLOW = 300_000;

interface SandboxLine {
  url: string;
  users: { email: string; password: string }[];
}

interface StepRun {
  line: string;
  code: number | null;
  screen: string;
}

let sandbox: ChildProcess;
let printed: SandboxLine;
let home: string;
const runs: StepRun[] = [];

/** What a user's shell has: none of the npm settings `npm test` exports. */
function userEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_(config|lifecycle|package)_/i.test(name),
    ),
  );
}

async function startDocumentedSandbox(): Promise<SandboxLine> {
  const [step] = walkThroughSteps('sandbox');
  if (step?.kind !== 'command') throw new Error('no sandbox command');
  sandbox = spawn('bash', ['-c', step.line], {
    cwd: PROJECT_ROOT,
    env: userEnvironment(),
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  sandbox.stdout?.setEncoding('utf8');
  const line = await new Promise<string>((resolve, reject) => {
    sandbox.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
      const first = stdout.split('\n')[0];
      if (stdout.includes('\n') && first) resolve(first);
    });
    sandbox.once('exit', () => reject(new Error(`exited: ${stdout}`)));
  });
  const info = JSON.parse(line) as SandboxLine;
  for (const user of info.users) recordTestSecret(user.password, 'password');
  return info;
}

beforeAll(async () => {
  await ensureFreshBuild();
  home = await makeHome();
  printed = await startDocumentedSandbox();
}, SLOW);

afterAll(async () => {
  if (sandbox.pid !== undefined && sandbox.exitCode === null) {
    process.kill(-sandbox.pid, 'SIGTERM');
    await once(sandbox, 'exit');
  }
  await removeHome(home);
});

const passwordOf = (email: string) =>
  printed.users.find((user) => user.email === email)?.password ?? '';

/** The answer a person gives to the prompt at the end of `screen`. */
function answerFor(screen: string): string | null {
  const password =
    /Password for (\S+): $/.exec(screen) ??
    /Enter host password for user '([^']+)':\s*$/.exec(screen);
  if (password?.[1]) return `${passwordOf(password[1])}\r`;
  return /\[y\/N\] $/.test(screen) ? 'y\r' : null;
}

/** Runs one README step in bash on a real pseudo-terminal. */
function runStep(line: string, env: NodeJS.ProcessEnv): Promise<StepRun> {
  const child = spawn(
    'script',
    ['-qec', 'bash -c "$README_STEP"', '/dev/null'],
    {
      cwd: PROJECT_ROOT,
      env: { ...env, README_STEP: line },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let screen = '';
  let answeredAt = 0;
  const onOutput = (chunk: Buffer): void => {
    screen += chunk.toString();
    const answer = answerFor(screen.slice(answeredAt));
    if (answer) {
      answeredAt = screen.length;
      child.stdin.write(answer);
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.destroy();
      recordCommandOutput(line.split(/\s+/), screen);
      resolve({ line, code, screen });
    });
  });
}

/** Sets what a variable step sets, as the reader fills in its placeholder. */
function fillIn(
  step: Extract<WalkThroughStep, { kind: 'variable' }>,
  env: NodeJS.ProcessEnv,
): string {
  // The throwaway data folder is this test's, so it is scanned and removed.
  if (step.name === 'BTCPAY_KEYS_HOME') return home;
  if (step.value.includes('PORT')) {
    return step.value.replace('PORT', new URL(printed.url).port);
  }
  if (/^k_x+$/.test(step.value)) {
    const printedId = /k_[a-z2-7]{16}/.exec(runs.at(-1)?.screen ?? '');
    if (!printedId) throw new Error(`no key id before ${step.name}=`);
    return printedId[0];
  }
  return env[step.name] ?? step.value;
}

/** The exit code a step ends with on this machine, as the README says. */
function expectedExit(line: string): number {
  // No display here, so `key copy` finds no clipboard, as the README warns.
  return /btcpay-keys key copy/.test(line) ? 10 : 0;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, {
    recursive: true,
    withFileTypes: true,
  });
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map((entry) =>
        readFile(path.join(entry.parentPath, entry.name), 'latin1'),
      ),
  );
}

describe("the README's command-line walk-through", () => {
  it(
    'works step by step against the sandbox it starts, keeping every key in the keychain',
    async () => {
      const steps = walkThroughSteps('commands');
      // A newcomer's own data folder stays untouched: the walk-through
      // starts by pointing BTCPAY_KEYS_HOME at a throwaway one.
      expect(steps[0]).toMatchObject({
        kind: 'variable',
        name: 'BTCPAY_KEYS_HOME',
        exported: true,
      });
      const env: NodeJS.ProcessEnv = {
        ...userEnvironment(),
        BTCPAY_KEYS_HOME: home,
        DISPLAY: '',
        WAYLAND_DISPLAY: '',
      };
      for (const step of steps) {
        if (step.kind === 'variable') {
          env[step.name] = fillIn(step, env);
          continue;
        }
        const run = await runStep(step.line, env);
        runs.push(run);
        expect(run.code, `${step.line}\n${run.screen}`).toBe(
          expectedExit(step.line),
        );
      }

      // curl's password prompt stays on screen: nothing clears its line.
      const curl = runs.find((run) => run.line.startsWith('curl '));
      expect(curl?.screen).toMatch(/Enter host password for user/);
      expect(curl?.screen).not.toContain('\u001b[0K');

      const copy = runs.find((run) => /key copy/.test(run.line));
      expect(copy?.screen).toMatch(/No clipboard is available/);
      const reveal = runs.find((run) => /key reveal/.test(run.line));
      const revealed = /^[0-9a-f]{40}\r?$/m.exec(reveal?.screen ?? '')?.[0];
      expect(revealed).toMatch(/^[0-9a-f]{40}/);
      const apiKey = recordTestSecret((revealed ?? '').trim(), 'api-key');

      const keys = await runCliJson<
        { label: string; revokedAt: string | null; isManager: boolean }[]
      >(home, ['key', 'list']);
      expect(keys.map((key) => key.label)).toEqual([
        'Invoices',
        'Made with curl',
        'Manager',
        'Point of sale',
      ]);
      expect(keys[0]?.revokedAt).not.toBeNull();
      expect(keys[2]?.isManager).toBe(true);
      // Revoked on the server, not only here.
      const client = createGreenfieldClient({ baseUrl: printed.url });
      await expect(client.currentApiKey(apiKey)).rejects.toMatchObject({
        kind: 'key-unknown',
      });

      const passwords = printed.users.map((user) => user.password);
      for (const text of await filesUnder(home)) {
        for (const secret of [apiKey, ...passwords]) {
          expect(text.includes(secret)).toBe(false);
        }
      }
      for (const run of runs.filter((r) => !/key reveal/.test(r.line))) {
        expect(run.screen.includes(apiKey), run.line).toBe(false);
      }
    },
    SLOW,
  );
});
