import type { RiskClass } from '../../src/contract';
import { RISK_LEVEL, RISK_NAMES } from '../format';

/** The risk classes of a key or permission as coloured badges. */
export function RiskBadges({ risks }: { risks: readonly RiskClass[] }) {
  if (risks.length === 0) return null;
  return (
    <ul className="badges" aria-label="Risks">
      {risks.map((risk) => (
        <li key={risk} className={`badge badge-${RISK_LEVEL[risk]}`}>
          {RISK_NAMES[risk]}
        </li>
      ))}
    </ul>
  );
}
