import type { SandboxKey } from './keys';
import { formatPermission, parseForCreate } from './permission-strings';
import type { SandboxState } from './state';
import type { SandboxUser } from './users';

/** The body of the key endpoints (ApiKeyData); no userId, as in BTCPay. */
export function keyData(key: SandboxKey): Record<string, unknown> {
  return { apiKey: key.apiKey, label: key.label, permissions: key.permissions };
}

/** The body of GET /api/v1/users/me (ApplicationUserData). */
export function userData(user: SandboxUser): Record<string, unknown> {
  return {
    id: user.id,
    email: user.email,
    name: null,
    imageUrl: null,
    invitationUrl: null,
    emailConfirmed: user.emailConfirmed,
    requiresEmailConfirmation: user.requiresEmailConfirmation,
    approved: user.approved,
    requiresApproval: user.requiresApproval,
    roles: user.serverAdmin ? ['ServerAdmin'] : [],
    created: Math.floor(user.createdAt / 1000),
    disabled: user.disabled,
    storeQuota: null,
  };
}

/** The body of GET /api/v1/server/info for this sandbox. */
export function serverInfo(state: SandboxState): Record<string, unknown> {
  const height = state.settings.network === 'mainnet' ? 870_000 : 101;
  return {
    version: state.settings.version,
    onion: 'sandboxbtcpayonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion',
    supportedPaymentMethods: ['BTC-CHAIN'],
    fullySynched: true,
    syncStatus: [
      {
        paymentMethodId: 'BTC-CHAIN',
        nodeInformation: {
          headers: height,
          blocks: height,
          verificationProgress: 1,
        },
        chainHeight: height,
        syncHeight: height,
        available: true,
      },
    ],
  };
}

/** A parsed CreateApiKeyRequest, or the 422 array to send. */
export type CreateBody =
  | { ok: true; label: string; permissions: string[] }
  | { ok: false; errors: { path: string; message: string }[] };

/** Parses a CreateApiKeyRequest; a bad item yields BTCPay's 422 array. */
export function parseCreateBody(text: string, version: string): CreateBody {
  let body: unknown = {};
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return { ok: false, errors: [{ path: '', message: 'Invalid JSON' }] };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return {
      ok: false,
      errors: [{ path: '', message: 'Invalid request body' }],
    };
  }
  const { label, permissions } = body as Record<string, unknown>;
  if (label !== undefined && label !== null && typeof label !== 'string') {
    return { ok: false, errors: [{ path: 'label', message: 'Invalid label' }] };
  }
  if (
    permissions !== undefined &&
    permissions !== null &&
    !Array.isArray(permissions)
  ) {
    return {
      ok: false,
      errors: [{ path: 'permissions', message: 'Invalid permissions' }],
    };
  }
  const parsed: string[] = [];
  for (const [index, raw] of (permissions ?? []).entries()) {
    const permission =
      typeof raw === 'string' ? parseForCreate(raw, version) : null;
    if (!permission) {
      const path = `permissions[${index}]`;
      return {
        ok: false,
        errors: [{ path, message: "Invalid 'Permission' String" }],
      };
    }
    parsed.push(formatPermission(permission));
  }
  return { ok: true, label: label ?? '', permissions: [...new Set(parsed)] };
}
