import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  AuditReport,
  auditReportJsonSchema,
  renderCsvReport,
  renderJsonReport,
  renderMarkdownReport,
  renderTerminalReport,
  runAudit,
} from '../../src/audit';
import { csvCell } from '../../src/audit/report-csv';
import { cleanKey, daysAgo, metadataOf, NOW, server } from './fixtures';

/** A report with awkward text: quotes, commas, pipes, formulas, escapes. */
function awkwardReport(): AuditReport {
  const keys = [
    cleanKey('k-formula', {
      label: '=HYPERLINK("http://evil.example","x"), "quoted" | piped',
      grantedPermissions: ['unrestricted'],
    }),
    cleanKey('k-escape', {
      label: 'Till\u001b[31m red\nnext line',
      grantedPermissions: ['btcpay.store.canviewinvoices'],
      lastVerification: null,
    }),
    cleanKey('k-plain', { createdAt: daysAgo(300) }),
    cleanKey('k-revoked', { revokedAt: daysAgo(2) }),
  ];
  return runAudit({
    metadata: metadataOf(
      [server(), server({ id: 'srv-http', baseUrl: 'http://shop.example/' })],
      keys,
    ),
    eventCount: 0,
    logVerification: { ok: true, count: 0 },
    config: {},
    now: NOW,
  });
}

/** A report made with audit.json switching rules off and regrading one. */
function reconfiguredReport(): AuditReport {
  return runAudit({
    metadata: metadataOf(
      [server({ managerKeyId: 'k-manager' })],
      [
        cleanKey('k-manager', {
          grantedPermissions: ['unrestricted'],
          isManager: true,
        }),
      ],
    ),
    eventCount: 3,
    logVerification: { ok: true, count: 3 },
    config: {
      rotationDays: 7,
      disabledRules: ['manager-key', 'unrestricted'],
      severities: { 'server-admin': 'info' },
    },
    now: NOW,
  });
}

/** A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else {
      expect(c, `a bare ${JSON.stringify(c)} outside quotes`).not.toMatch(
        /["\r\n]/,
      );
      field += c;
    }
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

/** The Markdown tables of a document, each as rows of unescaped cells. */
function markdownTables(text: string): Map<string, string[][]> {
  const tables = new Map<string, string[][]>();
  let heading = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) heading = line.slice(3);
    if (!line.startsWith('| ')) continue;
    const cells = line
      .slice(2, -2)
      .split(/(?<!\\) \| /)
      .map((cell) => cell.replace(/\\(.)/g, '$1'));
    tables.set(heading, [...(tables.get(heading) ?? []), cells]);
  }
  return tables;
}

describe('the JSON report', () => {
  it('validates against its published JSON Schema', () => {
    const report = awkwardReport();
    const parsed: unknown = JSON.parse(renderJsonReport(report));

    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(auditReportJsonSchema());
    expect(validate(parsed), ajv.errorsText(validate.errors)).toBe(true);
    expect(AuditReport.parse(parsed)).toEqual(report);
  });

  it('is refused by the schema when a required field is missing', () => {
    const parsed = JSON.parse(renderJsonReport(awkwardReport())) as Record<
      string,
      unknown
    >;
    delete parsed['inventory'];
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    expect(ajv.validate(auditReportJsonSchema(), parsed)).toBe(false);
  });

  it('lists permissions in words in the inventory', () => {
    const report = awkwardReport();
    const entry = report.inventory.find((e) => e.keyId === 'k-plain');
    expect(entry?.permissions).toEqual([
      {
        permission: 'btcpay.store.canviewinvoices:Store1',
        title: expect.stringMatching(/invoice/i),
        scope: expect.stringContaining('Store1'),
      },
    ]);
    expect(entry?.riskClasses).toEqual(['read-only']);
  });
});

describe('every report format', () => {
  it('states the thresholds, disabled rules and severity overrides', () => {
    const report = reconfiguredReport();
    // The override is what lets the manager key's finding slip under
    // --fail-on high, so a reader must be able to see it.
    expect(report.findings.map((f) => [f.rule, f.severity])).toContainEqual([
      'server-admin',
      'info',
    ]);

    const json = JSON.parse(renderJsonReport(report)) as AuditReport;
    expect(json.config).toMatchObject({
      rotationDays: 7,
      staleVerificationDays: 30,
      disabledRules: ['manager-key', 'unrestricted'],
      severityOverrides: [
        { rule: 'server-admin', severity: 'info', defaultSeverity: 'high' },
      ],
    });

    const terminal = renderTerminalReport(report, { color: false });
    expect(terminal).toContain('Rotation due at: 7 days old');
    expect(terminal).toContain('Verification stale after: 30 days');
    expect(terminal).toContain('Disabled rules: manager-key, unrestricted');
    expect(terminal).toContain(
      'Severity overrides: server-admin: info instead of high',
    );

    const settings = markdownTables(renderMarkdownReport(report)).get(
      'Settings',
    );
    expect(settings?.slice(2)).toEqual([
      ['Rotation due at', '7 days old'],
      ['Verification stale after', '30 days without a check'],
      ['Disabled rules', 'manager-key, unrestricted'],
      ['Severity overrides', 'server-admin: info instead of high'],
    ]);

    const [header = [], ...body] = parseCsv(renderCsvReport(report));
    const config = body
      .filter((row) => row[0] === 'config')
      .map((row) =>
        ['group', 'name', 'count', 'rule', 'severity'].map(
          (column) => row[header.indexOf(column)],
        ),
      );
    expect(config).toEqual([
      ['threshold', 'rotation_days', '7', '', ''],
      ['threshold', 'stale_verification_days', '30', '', ''],
      ['keychain', 'not checked', '', '', ''],
      ['disabled', '', '', 'manager-key', ''],
      ['disabled', '', '', 'unrestricted', ''],
      ['severity', '', '', 'server-admin', 'info'],
    ]);
  });

  it('says when a severity set in audit.json is the default one', () => {
    const report = runAudit({
      metadata: metadataOf([server()], []),
      eventCount: 0,
      logVerification: { ok: true, count: 0 },
      config: { severities: { 'never-verified': 'low' } },
      now: NOW,
    });
    const terminal = renderTerminalReport(report, { color: false });
    expect(terminal).toContain(
      'Severity overrides: never-verified: low (set, same as the default)',
    );
    expect(terminal).not.toContain('low instead of low');
  });

  it('says so when no rule is off and no severity is changed', () => {
    const report = awkwardReport();
    expect(report.config.severityOverrides).toEqual([]);
    const terminal = renderTerminalReport(report, { color: false });
    expect(terminal).toContain('Disabled rules: none');
    expect(terminal).toContain('Severity overrides: none');
    const settings = markdownTables(renderMarkdownReport(report)).get(
      'Settings',
    );
    expect(settings).toContainEqual(['Disabled rules', 'none']);
    expect(settings).toContainEqual(['Severity overrides', 'none']);
  });
});

describe('the CSV report', () => {
  it('parses back into one row per summary count, finding and key', () => {
    const report = awkwardReport();
    const rows = parseCsv(renderCsvReport(report));
    const [header, ...body] = rows;
    expect(header?.[0]).toBe('record');
    for (const row of body) expect(row).toHaveLength(header?.length ?? 0);

    const column = (name: string) => header?.indexOf(name) ?? -1;
    const of = (kind: string) => body.filter((r) => r[0] === kind);
    expect(of('finding')).toHaveLength(report.findings.length);
    expect(of('key')).toHaveLength(report.inventory.length);
    const critical = of('summary').find(
      (r) => r[column('group')] === 'severity' && r[column('name')] === 'high',
    );
    expect(critical?.[column('count')]).toBe(
      String(report.summary.bySeverity.high),
    );

    const formula = of('key').find((r) => r[column('key_id')] === 'k-formula');
    expect(formula?.[column('label')]).toBe(
      `'=HYPERLINK("http://evil.example","x"), "quoted" | piped`,
    );
  });

  it('defuses every cell a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      const cell = csvCell(`${start}1+1`);
      const unquoted = cell.startsWith('"')
        ? cell.slice(1, -1).replace(/""/g, '"')
        : cell;
      expect(unquoted.startsWith("'")).toBe(true);
    }
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(12)).toBe('12');
  });
});

describe('the Markdown report', () => {
  it('holds the summary, findings and inventory tables', () => {
    const report = awkwardReport();
    const tables = markdownTables(renderMarkdownReport(report));

    expect([...tables.keys()]).toEqual([
      'Settings',
      'Findings by severity',
      'Servers',
      'Active keys by risk',
      'Findings',
      'Inventory',
    ]);
    const findings = tables.get('Findings') ?? [];
    expect(findings.slice(2)).toHaveLength(report.findings.length);
    const inventory = tables.get('Inventory') ?? [];
    expect(inventory.slice(2)).toHaveLength(report.inventory.length);
    for (const table of tables.values()) {
      const width = table[0]?.length;
      for (const row of table) expect(row).toHaveLength(width ?? 0);
    }
    const labels = inventory.slice(2).map((row) => row[0]);
    expect(labels).toContain(
      '=HYPERLINK("http://evil.example","x"), "quoted" | piped',
    );
  });
});

describe('the terminal report', () => {
  it('uses colour only when allowed and never passes escapes through', () => {
    const report = awkwardReport();
    const plain = renderTerminalReport(report, { color: false });
    const coloured = renderTerminalReport(report, { color: true });

    expect(plain).not.toContain('\u001b');
    expect(coloured).toContain('\u001b[31m');
    // The label's own escape sequence is neutralised in both.
    expect(coloured).not.toContain('\u001b[31m red');
    expect(plain).toContain('Till [31m red next line');
  });

  it('shows each finding with its fix and each key with its permissions', () => {
    const report = awkwardReport();
    const text = renderTerminalReport(report, { color: false });
    for (const finding of report.findings) {
      expect(text).toContain(`Fix: ${finding.fix}`);
    }
    expect(text).toMatch(/k-plain[\s\S]*- .*invoice/i);
    expect(text).toContain('REVOKED');
  });
});
