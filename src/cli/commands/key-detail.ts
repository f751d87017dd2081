import type { KeyDetail } from '../../keys';
import { RISK_LABELS, type RiskClass } from '../../permissions';
import type { CliContext } from '../context';
import { paint, printable, say } from '../output';
import { keyStatus } from './key-status';

/**
 * Prints `key show`: who, where, and each permission in plain words. The
 * label is shown whole, however long; labels, names, store names and server
 * messages are made printable first.
 */
export function printKeyDetail(context: CliContext, detail: KeyDetail): void {
  const { key, server } = detail;
  say(
    context,
    paint(context, 'bold', printable(`${key.label}  (${key.id})`)),
    ...[
      `Server:       ${server.name} (${server.baseUrl})`,
      `Fingerprint:  ${key.fingerprint}`,
      `Origin:       ${originText(key.origin)}`,
      `Created:      ${key.createdAt}`,
      `Status:       ${keyStatus(key)}`,
    ].map(printable),
  );
  if (key.lastVerification?.message) {
    say(context, `              ${printable(key.lastVerification.message)}`);
  }
  say(context, '', paint(context, 'bold', 'Permissions'));
  if (detail.permissions.length === 0) {
    say(context, '  None: this key can only identify itself.');
  }
  for (const line of detail.permissions) {
    const implied = line.implies.map((i) => i.title).join(', ');
    say(
      context,
      ...[
        `  ${line.title} — ${line.scopeLabel}`,
        `    ${line.text}`,
        `    ${line.description}`,
        ...(implied ? [`    Also allows: ${implied}`] : []),
      ].map(printable),
    );
    if (line.risks.length > 0) {
      say(
        context,
        `    ${paint(context, 'yellow', 'Risks:')} ${riskNames(line.risks)}`,
      );
    }
  }
  if (detail.risks.length > 0) {
    say(
      context,
      '',
      `${paint(context, 'yellow', 'Risks of this key:')} ${riskNames(detail.risks)}`,
    );
  }
}

function riskNames(risks: RiskClass[]): string {
  return risks.map((risk) => RISK_LABELS[risk].name).join(', ');
}

function originText(origin: KeyDetail['key']['origin']): string {
  switch (origin.kind) {
    case 'authorize':
      return `authorized in the browser${origin.applicationName ? ` for ${origin.applicationName}` : ''}`;
    case 'rest':
      return origin.via === 'basic'
        ? 'created with a password (Basic auth)'
        : 'created with the manager key';
    case 'imported':
      return 'imported';
    case 'delegated':
      return `delegated to ${origin.app.name ?? origin.app.identifier ?? 'an app'}`;
  }
}
