import type { AuditSeverity, AuditView, FindingView } from '../../src/contract';
import { call, useApi } from '../api';
import { Empty, FailureNotice, Loading } from '../components/Status';
import { formatDate, plural } from '../format';
import { useAction, useOperation } from '../hooks';
import type { Navigate } from '../routes';

/** The offline audit: findings by severity, two charts, exports. */

const SEVERITIES: AuditSeverity[] = [
  'critical',
  'high',
  'medium',
  'low',
  'info',
];

/** A horizontal bar chart drawn in SVG, with the numbers as text too. */
export function BarChart({
  title,
  rows,
}: {
  title: string;
  rows: AuditView['byRisk'];
}) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  const rowHeight = 28;
  const labelWidth = 170;
  const width = 460;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        role="img"
        aria-label={`${title}: ${rows.map((r) => `${r.label} ${r.count}`).join(', ')}`}
        viewBox={`0 0 ${width} ${rows.length * rowHeight}`}
        width="100%"
      >
        {rows.map((row, index) => {
          const barWidth = ((width - labelWidth - 40) * row.count) / max;
          const y = index * rowHeight;
          return (
            <g key={row.label}>
              <text x={0} y={y + 18} className="chart-label">
                {row.label}
              </text>
              <rect
                x={labelWidth}
                y={y + 6}
                width={barWidth}
                height={16}
                rx={3}
                className="chart-bar"
              />
              <text
                x={labelWidth + barWidth + 6}
                y={y + 18}
                className="chart-value"
              >
                {row.count}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

function Findings({
  findings,
  navigate,
}: {
  findings: FindingView[];
  navigate: Navigate;
}) {
  if (findings.length === 0) {
    return (
      <Empty title="No findings">
        <p>Every rule passed.</p>
      </Empty>
    );
  }
  return (
    <>
      {SEVERITIES.map((severity) => {
        const ofSeverity = findings.filter((f) => f.severity === severity);
        if (ofSeverity.length === 0) return null;
        return (
          <section key={severity} aria-label={`${severity} findings`}>
            <h2>
              <span className={`badge badge-${severity}`}>{severity}</span>{' '}
              {plural(ofSeverity.length, 'finding')}
            </h2>
            <ul className="findings">
              {ofSeverity.map((f, i) => (
                <li
                  key={`${f.ruleId}-${f.subject.id ?? i}`}
                  className="finding"
                >
                  <p>
                    <strong>{f.subject.label}</strong> <code>{f.ruleId}</code>
                  </p>
                  <p>{f.explanation}</p>
                  <p className="muted">Fix: {f.fix}</p>
                  {f.subject.kind === 'key' && f.subject.id && (
                    <button
                      type="button"
                      className="link"
                      onClick={() =>
                        navigate({ screen: 'key', keyId: f.subject.id ?? '' })
                      }
                    >
                      Open the key
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </>
  );
}

function ExportButtons() {
  const api = useApi();
  const { busy, failure, run } = useAction();
  const save = (format: 'json' | 'csv' | 'md') =>
    run(async () => {
      const file = await call(api, 'exportAudit', { format });
      const url = URL.createObjectURL(
        new Blob([file.content], { type: file.mediaType }),
      );
      const link = document.createElement('a');
      link.href = url;
      link.download = file.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
  return (
    <div className="actions" role="group" aria-label="Export the report">
      <button type="button" onClick={() => save('json')} disabled={busy}>
        Export JSON
      </button>
      <button type="button" onClick={() => save('csv')} disabled={busy}>
        Export CSV
      </button>
      <button type="button" onClick={() => save('md')} disabled={busy}>
        Export Markdown
      </button>
      {failure && <FailureNotice failure={failure} />}
    </div>
  );
}

/** The audit screen. */
export function AuditScreen({ navigate }: { navigate: Navigate }) {
  const { data, reload } = useOperation(
    'runAudit',
    {},
    { followInventory: true },
  );
  return (
    <section className="screen" aria-labelledby="audit-title">
      <div className="screen-head">
        <h1 id="audit-title">Audit</h1>
        <button type="button" onClick={reload}>
          Run again
        </button>
      </div>
      <p className="muted">
        Runs on this computer only: no network, no keychain access.
      </p>
      {data.state === 'loading' && <Loading label="Auditing…" />}
      {data.state === 'failed' && (
        <FailureNotice failure={data.failure} onRetry={reload} />
      )}
      {data.state === 'ready' && (
        <>
          <p>
            {plural(data.value.keyCount, 'key')} audited on{' '}
            {formatDate(data.value.generatedAt)}:{' '}
            {data.value.bySeverity
              .filter((s) => s.count > 0)
              .map((s) => `${s.count} ${s.label}`)
              .join(', ') || 'no findings'}
            .
          </p>
          <ExportButtons />
          <div className="charts">
            <BarChart title="Keys by risk class" rows={data.value.byRisk} />
            <BarChart title="Keys by age" rows={data.value.byAge} />
          </div>
          <Findings findings={data.value.findings} navigate={navigate} />
        </>
      )}
    </section>
  );
}
