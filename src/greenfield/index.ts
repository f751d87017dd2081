/**
 * The Greenfield client: how the key manager talks to BTCPay Server, and the
 * typed failures it reports.
 */
export type { GreenfieldAuth } from './auth';
export { authorizationHeader } from './auth';
export {
  apiUrl,
  isInsecureServer,
  normalizeBaseUrl,
  type BaseUrlProblem,
  type NormalizedBaseUrl,
} from './base-url';
export {
  createGreenfieldClient,
  DEFAULT_TIMEOUT_MS,
  type CreateApiKeyRequest,
  type GreenfieldClient,
  type GreenfieldClientOptions,
  type RequestOptions,
} from './client';
export {
  AUTHORIZE_IN_BROWSER,
  GreenfieldError,
  type GreenfieldErrorKind,
  type OwnerBlockedReason,
  type TlsProblem,
  type ValidationIssue,
  UNREACHABLE_KINDS,
} from './errors';
export { healthProblem } from './health';
export {
  ApiKeyData,
  ApplicationUserData,
  Health,
  PermissionMetadata,
  ServerInfo,
  StoreData,
} from './schemas';
