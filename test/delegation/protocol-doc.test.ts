import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DELEGATION_ERROR_CODES,
  DELIVERY_TIMEOUT_MS,
} from '../../src/delegation/deliver';
import { LINK_LIMITS, parseDeepLink } from '../../src/delegation/link';
import { MAX_REDIRECT_LENGTH } from '../../src/delegation/redirect';
import { PROJECT_ROOT } from '../cli/run-cli';

// docs/deep-links.md is what integrators build against: its limits, error
// codes and delivery timeout must be the ones the code enforces.

async function protocolDoc(): Promise<string> {
  return readFile(path.join(PROJECT_ROOT, 'docs', 'deep-links.md'), 'utf8');
}

/** The rows of the markdown table that follows `heading`, cells trimmed. */
function tableAfter(doc: string, heading: string): string[][] {
  const start = doc.indexOf(heading);
  expect(start, `${heading} is in the document`).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of doc.slice(start).split('\n').slice(1)) {
    if (rows.length > 0 && !line.startsWith('|')) break;
    if (!line.startsWith('|') || /^\|[\s-|]+\|$/.test(line)) continue;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows.slice(1);
}

describe('docs/deep-links.md', () => {
  it('lists exactly the size limits the link parser enforces', async () => {
    const limits = Object.fromEntries(
      tableAfter(await protocolDoc(), '### Limits').map(([what, most]) => [
        what,
        Number(/^(\d+)/.exec(most ?? '')?.[1]),
      ]),
    );
    expect(limits).toEqual({
      'The whole link': LINK_LIMITS.linkLength,
      '`state`': LINK_LIMITS.stateLength,
      '`applicationName`': LINK_LIMITS.nameLength,
      '`applicationIdentifier`': LINK_LIMITS.identifierLength,
      '`permissions`, counted': LINK_LIMITS.permissionCount,
      'One permission': LINK_LIMITS.permissionLength,
      '`redirect`': MAX_REDIRECT_LENGTH,
    });
  });

  it('names every error code the app can send, and no other', async () => {
    const rows = tableAfter(
      await protocolDoc(),
      'When the merchant refuses, or the request fails',
    );
    const errorRow = rows.find(([field]) => field === '`error`');
    const documented = [...(errorRow?.[1] ?? '').matchAll(/`([a-z_]+)`/g)].map(
      (m) => m[1],
    );
    expect([...documented].sort()).toEqual([...DELEGATION_ERROR_CODES].sort());
  });

  it('gives the delivery timeout the code uses', async () => {
    const doc = await protocolDoc();
    expect(doc).toContain(
      `Delivery has a timeout (${DELIVERY_TIMEOUT_MS / 1000} seconds)`,
    );
  });

  it('refuses a link one past each documented limit and accepts one at it', () => {
    const server = encodeURIComponent('https://btcpay.example.com/');
    const link = (query: string) =>
      `btcpay-keys://authorize?server=${server}&${query}`;
    const permissions = (count: number) =>
      Array.from(
        { length: count },
        () => 'permissions=btcpay.store.canviewinvoices',
      ).join('&');
    // A real permission limited to a store, padded to `length` by its store id.
    const scopedPermission = (length: number) => {
      const policy = 'btcpay.store.canviewinvoices:';
      return policy + 's'.repeat(length - policy.length);
    };
    // A loopback redirect padded to `length` by its path.
    const redirect = (length: number) => {
      const origin = 'http://127.0.0.1:5000/';
      return origin + 'p'.repeat(length - origin.length);
    };
    const cases: [string, string, string][] = [
      [
        `state=${'s'.repeat(LINK_LIMITS.stateLength)}`,
        `state=${'s'.repeat(LINK_LIMITS.stateLength + 1)}`,
        'state-too-long',
      ],
      [
        `applicationName=${'n'.repeat(LINK_LIMITS.nameLength)}`,
        `applicationName=${'n'.repeat(LINK_LIMITS.nameLength + 1)}`,
        'applicationname-invalid',
      ],
      [
        `applicationIdentifier=${'i'.repeat(LINK_LIMITS.identifierLength)}`,
        `applicationIdentifier=${'i'.repeat(LINK_LIMITS.identifierLength + 1)}`,
        'applicationidentifier-invalid',
      ],
      [
        permissions(LINK_LIMITS.permissionCount),
        permissions(LINK_LIMITS.permissionCount + 1),
        'too-many-permissions',
      ],
      [
        `permissions=${scopedPermission(LINK_LIMITS.permissionLength)}`,
        `permissions=${scopedPermission(LINK_LIMITS.permissionLength + 1)}`,
        'permission-invalid',
      ],
      [
        `redirect=${encodeURIComponent(redirect(MAX_REDIRECT_LENGTH))}`,
        `redirect=${encodeURIComponent(redirect(MAX_REDIRECT_LENGTH + 1))}`,
        'redirect-too-long',
      ],
    ];
    for (const [atLimit, overLimit, rule] of cases) {
      expect(parseDeepLink(link(atLimit)).ok).toBe(true);
      const refused = parseDeepLink(link(overLimit));
      expect(refused.ok ? 'accepted' : refused.refusal.rule).toBe(rule);
    }
    const whole = link('a=');
    const padded = whole + 'x'.repeat(LINK_LIMITS.linkLength - whole.length);
    expect(parseDeepLink(padded).ok).toBe(true);
    const tooLong = parseDeepLink(`${padded}x`);
    expect(tooLong.ok ? 'accepted' : tooLong.refusal.rule).toBe(
      'link-too-long',
    );
  });
});
