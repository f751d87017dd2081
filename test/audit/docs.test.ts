import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AuditReport, DEFAULT_SEVERITIES, RULE_IDS } from '../../src/audit';
import { CSV_COLUMNS } from '../../src/audit/report-csv';
import { InventoryEntry } from '../../src/audit/report-schema';

const DOC = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../docs/audit.md',
);

describe('docs/audit.md', () => {
  it('lists every rule with its default severity', async () => {
    const text = await readFile(DOC, 'utf8');
    const documented = Object.fromEntries(
      [...text.matchAll(/^\| `([a-z-]+)` +\| (\w+) +\|/gm)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    expect(Object.keys(documented).sort()).toEqual([...RULE_IDS].sort());
    expect(documented).toEqual(DEFAULT_SEVERITIES);
  });

  it('names every field of the JSON report and every CSV column', async () => {
    const text = await readFile(DOC, 'utf8');
    const shape = AuditReport.shape;
    const fields = [
      ...Object.keys(shape),
      ...Object.keys(shape.config.shape).map((f) => `config.${f}`),
      ...Object.keys(shape.summary.shape).map((f) => `summary.${f}`),
      ...Object.keys(InventoryEntry.shape),
    ];
    for (const field of fields) expect(text).toContain(field);
    for (const column of CSV_COLUMNS) expect(text).toContain(`\`${column}\``);
  });
});
