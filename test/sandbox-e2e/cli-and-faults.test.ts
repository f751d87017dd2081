import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index';
import { call } from './helpers';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

/** The sandbox command exactly as README.md's walk-through shows it. */
function documentedSandboxCommand(): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const line = readme
    .split('\n')
    .find((text) => /^npm run\b.*\bsandbox\b/.test(text));
  if (!line)
    throw new Error('README.md shows no command that starts the sandbox');
  return line.replace(/#.*$/, '').trim();
}

/** Every line of the docs that runs the sandbox through npm. */
function sandboxCommandsInDocs(): { file: string; line: string }[] {
  const files = [
    'README.md',
    'test/sandbox/README.md',
    ...readdirSync(path.join(repoRoot, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ];
  return files.flatMap((file) =>
    readFileSync(path.join(repoRoot, file), 'utf8')
      .split('\n')
      .filter((line) => /\bnpm run\b.*\bsandbox\b/.test(line))
      .map((line) => ({ file, line: line.trim() })),
  );
}

/** Runs a shell-free command line from `repoRoot` in its own process group. */
function runDocumented(commandLine: string) {
  const [command, ...args] = commandLine.split(/\s+/);
  // A user's shell has none of the npm settings an outer `npm test` exports.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_config_(loglevel|silent|json|parseable)$/i.test(name),
    ),
  );
  return spawn(command!, args, {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

describe('the documented sandbox command', () => {
  it('is written the same way everywhere the docs show it', () => {
    const documented = documentedSandboxCommand();
    expect(documented).toBe('npm run --silent sandbox -- --port 0');
    const mentions = sandboxCommandsInDocs();
    expect(mentions.length).toBeGreaterThanOrEqual(3);
    for (const { file, line } of mentions) {
      expect(line.startsWith(documented), `${file}: ${line}`).toBe(true);
    }
  });

  it('prints exactly one JSON line on stdout and serves until stopped', async () => {
    const child = runDocumented(documentedSandboxCommand());
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const firstLine = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve();
      });
      child.once('exit', () => reject(new Error(`exited early: ${stdout}`)));
    });
    try {
      await firstLine;
      const printed = JSON.parse(stdout) as { url: string; users: unknown[] };
      const health = await request(`${printed.url}api/v1/health`);
      expect(await health.body.json()).toEqual({ synchronized: true });
      expect(printed.users.length).toBeGreaterThan(0);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      if (child.exitCode === null && child.signalCode === null) {
        await once(child, 'exit');
      }
    }
    expect(stdout).toMatch(/^\{[^\n]*\}\n$/);
  });
});

describe('npm run sandbox', () => {
  it('prints one JSON line with the URL and accounts, serves, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/sandbox/main.ts',
        '--port',
        '0',
        '--base-path',
        '/btcpay/',
        '--version',
        '2.4.1',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout });
    const [line] = (await once(lines, 'line')) as [string];
    const printed = JSON.parse(line) as {
      url: string;
      users: { email: string; password: string; role: string; notes: string }[];
    };
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/btcpay\/$/);
    expect(Object.keys(printed.users[0]!).sort()).toEqual([
      'email',
      'notes',
      'password',
      'role',
    ]);
    expect(printed.users.map((u) => u.email)).toContain('fido@sandbox.test');
    const info = await request(`${printed.url}api/v1/health`);
    expect(await info.body.json()).toEqual({ synchronized: true });
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});

describe('sandbox fault injection', () => {
  it('answers 500 only on the faulted paths', async () => {
    sandbox = await startSandbox();
    sandbox.admin.setFault({ kind: 'status500', paths: ['/api/v1/server'] });
    expect((await call(sandbox, 'GET', 'api/v1/server/info')).status).toBe(500);
    expect((await call(sandbox, 'GET', 'api/v1/health')).status).toBe(200);
    sandbox.admin.setFault(null);
    expect((await call(sandbox, 'GET', 'api/v1/server/info')).status).toBe(401);
  });

  it('drops the connection without an answer', async () => {
    sandbox = await startSandbox();
    sandbox.admin.setFault({ kind: 'drop-connection' });
    await expect(call(sandbox, 'GET', 'api/v1/health')).rejects.toThrow();
  });

  it('sends a JSON content type with a body that is not JSON', async () => {
    sandbox = await startSandbox();
    sandbox.admin.setFault({ kind: 'invalid-json' });
    const answer = await call(sandbox, 'GET', 'api/v1/health');
    expect(String(answer.headers['content-type'])).toContain(
      'application/json',
    );
    expect(() => JSON.parse(answer.text)).toThrow();
  });

  it('redirects to an HTML login page like a server behind a login wall', async () => {
    sandbox = await startSandbox();
    sandbox.admin.setFault({ kind: 'html-login' });
    const answer = await call(sandbox, 'GET', 'api/v1/health');
    expect(answer.status).toBe(302);
    const login = await request(String(answer.headers.location));
    expect(login.headers['content-type']).toContain('text/html');
    await login.body.dump();
  });

  it('answers 429 with Retry-After for the rate-limit fault', async () => {
    sandbox = await startSandbox();
    sandbox.admin.setFault({ kind: 'rate-limit' });
    const answer = await call(sandbox, 'GET', 'api/v1/health');
    expect([answer.status, answer.headers['retry-after']]).toEqual([429, '60']);
  });

  it('delays but still answers for the slow fault', async () => {
    sandbox = await startSandbox();
    sandbox.admin.setFault({ kind: 'slow', delayMs: 50 });
    expect((await call(sandbox, 'GET', 'api/v1/health')).status).toBe(200);
  });

  it('records every request for contract checks', async () => {
    sandbox = await startSandbox({ basePath: '/btcpay/' });
    await call(sandbox, 'POST', 'api/v1/api-keys?x=1', {
      body: { label: 'a' },
    });
    const [recorded] = sandbox.admin.requests;
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/api/v1/api-keys',
      url: '/btcpay/api/v1/api-keys?x=1',
      body: '{"label":"a"}',
    });
    expect(recorded?.headers['content-type']).toBe('application/json');
  });

  it('serves HTTPS with a certificate clients do not trust', async () => {
    sandbox = await startSandbox({ tls: true });
    expect(sandbox.url).toMatch(/^https:/);
    await expect(request(`${sandbox.url}api/v1/health`)).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('answers nothing outside its base path', async () => {
    sandbox = await startSandbox({ basePath: '/btcpay/' });
    const outside = await request(new URL('/api/v1/health', sandbox.url));
    expect(outside.statusCode).toBe(404);
    await outside.body.dump();
  });
});
