import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, policyKind } from '../../src/permissions';

const root = path.resolve(import.meta.dirname, '../..');
const sharedPath = path.resolve(
  root,
  '../shared/greenfield/permissions-v2.4.1.json',
);
const hasShared = existsSync(sharedPath);
if (!hasShared) {
  console.log(
    `catalogue.test: ${sharedPath} is absent, so the comparison with BTCPay's list did not run.`,
  );
}

interface SharedPolicy {
  policy: string;
  kind: string | null;
  title: string;
  description: string;
  addedIn?: string;
  includes: string[];
}

function sharedPolicies(): SharedPolicy[] {
  const parsed = JSON.parse(readFileSync(sharedPath, 'utf8')) as {
    policies: SharedPolicy[];
  };
  return parsed.policies;
}

describe('the generated catalogue', () => {
  it('gives every policy a title, a description, a release and a kind that matches its prefix', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(46);
    for (const entry of CATALOGUE) {
      expect(entry.title, entry.policy).not.toBe('');
      expect(entry.description.length, entry.policy).toBeGreaterThan(20);
      expect(entry.addedIn, entry.policy).toMatch(/^\d+(\.\d+)+$/);
      expect(entry.kind, entry.policy).toBe(policyKind(entry.policy));
    }
  });

  it('only includes policies it also defines', () => {
    const defined = new Set(CATALOGUE.map((entry) => entry.policy));
    for (const entry of CATALOGUE) {
      for (const child of entry.includes) {
        expect(defined.has(child), `${entry.policy} → ${child}`).toBe(true);
      }
    }
  });

  it.runIf(hasShared)('matches BTCPay v2.4.1 policy for policy', () => {
    const shared = sharedPolicies();
    expect(CATALOGUE.map((entry) => entry.policy).sort()).toEqual(
      shared.map((entry) => entry.policy).sort(),
    );
    for (const source of shared) {
      const entry = CATALOGUE.find((e) => e.policy === source.policy);
      expect(entry?.kind, source.policy).toBe(source.kind);
      expect(entry?.serverTitle, source.policy).toBe(source.title);
      expect([...(entry?.includes ?? [])].sort(), source.policy).toEqual(
        [...source.includes].sort(),
      );
      if (source.addedIn) expect(entry?.addedIn).toBe(source.addedIn);
    }
  });

  it.runIf(hasShared)('describes every policy in its own words', () => {
    for (const source of sharedPolicies()) {
      const entry = CATALOGUE.find((e) => e.policy === source.policy);
      expect(entry?.description, source.policy).not.toBe(source.description);
    }
  });

  it.runIf(hasShared)('is what the generator writes today', () => {
    const output = execFileSync(
      process.execPath,
      ['scripts/gen-catalogue.mjs', '--check'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(output).toContain('is current');
  });
});
