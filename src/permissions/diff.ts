/**
 * Requested versus granted, difference by difference. BTCPay's answer can
 * differ from the request: it drops what it does not know, drops server
 * permissions for non-admins, scopes store permissions to the store the user
 * picked, widens pre-scoped ones to all stores, and a reused key may hold
 * more than was asked. Each difference says which of these happened.
 */
import { permissionCovers } from './hierarchy';
import { CATALOGUE_MODEL, type PermissionModel } from './model';
import { parsePermission, policyKind, type Permission } from './parse';

/** How one requested or granted permission differs from the other side. */
export type PermissionDifferenceType =
  | 'not-granted'
  | 'extra'
  | 'scoped-to-store'
  | 'widened-to-all-stores'
  | 'covered-by-broader';

/** One difference between what was requested and what was granted. */
export interface PermissionDifference {
  type: PermissionDifferenceType;
  requested?: string;
  granted?: string;
  /** What happened, in a merchant's words. */
  explanation: string;
}

interface Side {
  text: string;
  permission: Permission | null;
}

/** Every difference between requested and granted, requested order first. */
export function diffPermissions(
  requested: readonly string[],
  granted: readonly string[],
  model: PermissionModel = CATALOGUE_MODEL,
): PermissionDifference[] {
  const asked = uniqueSides(requested);
  const got = uniqueSides(granted);
  const explained = new Set<string>();
  const differences: PermissionDifference[] = [];

  for (const request of asked) {
    if (got.some((grant) => grant.text === request.text)) {
      explained.add(request.text);
      continue;
    }
    const found = matchRequest(request, got, model);
    found.forEach((difference) => {
      if (difference.granted) explained.add(difference.granted);
    });
    differences.push(...found);
  }

  for (const grant of got) {
    if (explained.has(grant.text)) continue;
    differences.push({
      type: 'extra',
      granted: grant.text,
      explanation: extraExplanation(grant, asked, model),
    });
  }
  return differences;
}

/** The differences one requested permission has with the granted set. */
function matchRequest(
  request: Side,
  got: readonly Side[],
  model: PermissionModel,
): PermissionDifference[] {
  const wanted = request.permission;
  if (wanted === null) {
    return [notGranted(request.text, 'It is not a valid permission.')];
  }

  const sameStoreChoice = storeDifferences(request.text, wanted, got);
  if (sameStoreChoice.length > 0) return sameStoreChoice;

  const broader = got.find(
    (grant) =>
      grant.permission !== null &&
      permissionCovers(grant.permission, wanted, model),
  );
  if (broader) {
    return [
      {
        type: 'covered-by-broader',
        requested: request.text,
        granted: broader.text,
        explanation: `Not granted as such, but ${broader.text} includes it, and allows more than was asked.`,
      },
    ];
  }
  return [notGranted(request.text, missingReason(wanted, model))];
}

/**
 * The same policy granted for other stores than requested: scoped to the
 * store the user picked, widened to every store, or moved to another store.
 */
function storeDifferences(
  requested: string,
  wanted: Permission,
  got: readonly Side[],
): PermissionDifference[] {
  const samePolicy = got.filter(
    (grant) => grant.permission?.policy === wanted.policy,
  );
  const scoped = samePolicy.filter((grant) => grant.permission?.scope);
  const unscoped = samePolicy.find((grant) => grant.permission?.scope === null);

  if (wanted.scope === null) {
    return scoped.map((grant) => ({
      type: 'scoped-to-store',
      requested,
      granted: grant.text,
      explanation: `Asked for every store; granted only for ${storeOf(grant)}, the store picked on BTCPay’s page.`,
    }));
  }
  if (unscoped) {
    return [
      {
        type: 'widened-to-all-stores',
        requested,
        granted: unscoped.text,
        explanation: `Asked for store ${wanted.scope} only; granted for every store, including stores created later. BTCPay does this when the request does not ask to select stores.`,
      },
    ];
  }
  return scoped.slice(0, 1).map((grant) => ({
    type: 'scoped-to-store',
    requested,
    granted: grant.text,
    explanation: `Asked for store ${wanted.scope}; granted for ${storeOf(grant)} instead.`,
  }));
}

/** Why BTCPay most likely left a requested permission out. */
function missingReason(wanted: Permission, model: PermissionModel): string {
  const definition = model.definitions.get(wanted.policy);
  const known =
    definition !== undefined &&
    (model.serverPolicies?.has(wanted.policy) ?? true);
  if (!known) {
    const since = definition?.addedIn
      ? ` It first appeared in BTCPay ${definition.addedIn}; this server may be older.`
      : '';
    return `This BTCPay server does not know this permission, so it dropped it without saying so.${since}`;
  }
  if (policyKind(wanted.policy) === 'server') {
    return 'Server permissions need an admin account: BTCPay leaves them out for other users.';
  }
  if (policyKind(wanted.policy) === 'store') {
    return 'BTCPay did not grant it. Your role on the store may not allow it, or it was left unticked; ask again if the app needs it.';
  }
  return 'BTCPay did not grant it; ask again if the app needs it.';
}

function extraExplanation(
  grant: Side,
  asked: readonly Side[],
  model: PermissionModel,
): string {
  const inside = asked.some(
    (request) =>
      request.permission !== null &&
      grant.permission !== null &&
      permissionCovers(request.permission, grant.permission, model),
  );
  if (inside) {
    return 'Granted without being asked for, but already part of what was requested: it adds nothing.';
  }
  return 'Granted without being asked for: added on BTCPay’s page, or an earlier key for the same app that holds more was reused.';
}

function notGranted(requested: string, reason: string): PermissionDifference {
  return { type: 'not-granted', requested, explanation: reason };
}

function side(text: string): Side {
  const parsed = parsePermission(text);
  return parsed.ok
    ? { text: parsed.permission.text, permission: parsed.permission }
    : { text, permission: null };
}

function storeOf(grant: Side): string {
  return `store ${grant.permission?.scope ?? ''}`;
}

// The same permission spelled twice ("BTCPAY.X" and "btcpay.x") is one.
function uniqueSides(texts: readonly string[]): Side[] {
  const byText = new Map<string, Side>();
  for (const text of texts) {
    const read = side(text);
    if (!byText.has(read.text)) byText.set(read.text, read);
  }
  return [...byText.values()];
}
