import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAuditInputs, runAudit } from '../../src/audit';
import {
  cleanKey,
  makeHome,
  metadataOf,
  NOW,
  removeHome,
  server,
  writeVault,
} from './fixtures';

let home: string;
const eventsFile = (): string => path.join(home, 'events.jsonl');

beforeEach(async () => {
  home = await makeHome();
  await writeVault(
    home,
    metadataOf(
      [server()],
      ['k1', 'k2', 'k3', 'k4'].map((id) => cleanKey(id)),
    ),
  );
});
afterEach(() => removeHome(home));

async function logLines(): Promise<string[]> {
  return (await readFile(eventsFile(), 'utf8')).split('\n').slice(0, -1);
}

async function writeLines(lines: string[], terminated = true): Promise<void> {
  await writeFile(eventsFile(), lines.join('\n') + (terminated ? '\n' : ''));
}

async function auditFolder() {
  const inputs = await loadAuditInputs(home, { keychain: false, now: NOW });
  return runAudit(inputs);
}

describe('the audit of the event log', () => {
  it('finds nothing wrong with an untouched log', async () => {
    const report = await auditFolder();
    expect(report.findings).toEqual([]);
    expect(report.config.eventCount).toBe(5);
  });

  it('catches an edited entry', async () => {
    const lines = await logLines();
    lines[2] = (lines[2] as string).replace('"k2"', '"k9"');
    await writeLines(lines);

    const report = await auditFolder();
    expect(report.findings).toMatchObject([
      {
        rule: 'log-tampered',
        severity: 'critical',
        title: 'An entry of the event log was changed',
      },
    ]);
    expect(report.findings[0]?.explanation).toContain('line 3');
  });

  it('catches a deleted entry', async () => {
    const lines = await logLines();
    lines.splice(1, 1);
    await writeLines(lines);

    const report = await auditFolder();
    expect(report.findings.map((f) => f.rule)).toEqual(['log-tampered']);
    expect(report.findings[0]?.title).toBe(
      'Entries are missing from the event log',
    );
  });

  it('catches a log whose last entries were cut off', async () => {
    const lines = await logLines();
    await writeLines(lines.slice(0, -2));

    const report = await auditFolder();
    expect(report.findings.map((f) => f.rule)).toEqual(['log-tampered']);
    expect(report.findings[0]?.title).toBe('The event log ends early');
  });

  it('catches an entry cut in the middle', async () => {
    const lines = await logLines();
    const last = lines[lines.length - 1] as string;
    lines[lines.length - 1] = last.slice(0, last.length / 2);
    await writeLines(lines, false);

    const report = await auditFolder();
    expect(report.findings.map((f) => f.rule)).toEqual(['log-tampered']);
    expect(report.findings[0]?.title).toBe(
      'The event log holds an unreadable entry',
    );
  });

  it('catches a deleted log while keys are stored', async () => {
    await writeFile(eventsFile(), '');

    const report = await auditFolder();
    expect(report.findings.map((f) => f.rule)).toEqual(['log-tampered']);
  });
});
