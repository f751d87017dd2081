import type { PermissionLine } from '../../src/contract';
import { RiskBadges } from './RiskBadges';

/**
 * Every permission of a key or request in plain words, grouped by what it
 * applies to, with what it implies, its risks, and requested versus granted.
 */

const GROUPS: { kind: PermissionLine['kind']; title: string }[] = [
  { kind: 'user', title: 'Your account' },
  { kind: 'server', title: 'The whole server' },
  { kind: 'store', title: 'Stores' },
  { kind: 'unknown', title: 'Not defined by BTCPay' },
];

const STATUS_WORDS: Record<PermissionLine['status'], string | null> = {
  both: null,
  'granted-only': 'Granted without being asked for',
  'requested-only': 'Asked for, not granted',
};

/** Which stores a store permission covers, in words; null for other kinds. */
export function scopeWords(line: PermissionLine): string | null {
  if (line.kind !== 'store') return null;
  if (line.scope === null) return 'All stores, including stores created later';
  return line.storeName ? `Store “${line.storeName}”` : `Store ${line.scope}`;
}

function PermissionItem({ line }: { line: PermissionLine }) {
  const status = STATUS_WORDS[line.status];
  const scope = scopeWords(line);
  return (
    <li className={`permission permission-${line.status}`}>
      <div className="permission-head">
        <span className="permission-title">{line.title}</span>
        <RiskBadges risks={line.risks} />
      </div>
      <p className="permission-description">{line.description}</p>
      <p className="permission-meta">
        <code>{line.permission}</code>
        {scope && <span> · {scope}</span>}
        {status && <strong className="permission-status"> · {status}</strong>}
      </p>
      {line.implies.length > 0 && (
        <details>
          <summary>
            What it implies ({line.implies.length}{' '}
            {line.implies.length === 1 ? 'permission' : 'permissions'})
          </summary>
          <ul className="implies">
            {line.implies.map((title) => (
              <li key={title}>{title}</li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}

/** The inspector: one section per scope kind that has permissions. */
export function PermissionInspector({
  lines,
  emptyText = 'This key holds no permission: it can only identify its owner.',
}: {
  lines: readonly PermissionLine[];
  emptyText?: string;
}) {
  if (lines.length === 0) return <p className="muted">{emptyText}</p>;
  return (
    <div className="inspector">
      {GROUPS.map(({ kind, title }) => {
        const inGroup = lines.filter((line) => line.kind === kind);
        if (inGroup.length === 0) return null;
        return (
          <section key={kind} aria-label={title}>
            <h3>{title}</h3>
            <ul className="permissions">
              {inGroup.map((line) => (
                <PermissionItem key={line.permission} line={line} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
