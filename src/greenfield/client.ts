import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { silentLogger, type Logger } from '../log/logger';
import { apiUrl, normalizeBaseUrl } from './base-url';
import { authorizationHeader, type GreenfieldAuth } from './auth';
import type { Exchange } from './exchange';
import { expectNoContent, parseAnswer } from './responses';
import {
  ApiKeyData,
  ApplicationUserData,
  Health,
  PermissionMetadataList,
  ServerInfo,
  StoreList,
  type PermissionMetadata,
  type StoreData,
} from './schemas';
import { send, type RawResponse } from './transport';

export type { GreenfieldAuth } from './auth';

/**
 * The app's only way to talk to BTCPay Server's Greenfield API. Every call
 * has a deadline and can be cancelled, sends `Accept: application/json`,
 * parses the answer with a schema and fails with a {@link GreenfieldError}
 * that says what to do next. Nothing is retried: BTCPay throttles and locks
 * out password sign-ins, and a repeated revocation must be the user's choice.
 */

/** Per-call options: cancel with `signal`, or change the deadline. */
export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** How to reach one BTCPay Server. */
export interface GreenfieldClientOptions {
  /** The server's address; a sub-path (`https://host/btcpay/`) is kept. */
  baseUrl: string;
  /** Deadline for each request, 15 seconds unless set. */
  timeoutMs?: number;
  /** undici dispatcher, e.g. an Agent trusting a self-signed certificate. */
  dispatcher?: Dispatcher;
  logger?: Logger;
  userAgent?: string;
}

/** The body of a key-creation request. */
export interface CreateApiKeyRequest {
  label?: string;
  permissions?: readonly string[];
}

/** The Greenfield calls the key manager makes. */
export interface GreenfieldClient {
  /** The normalised server address every call is made against. */
  readonly baseUrl: string;
  /** Anonymous probe: answers only if this is a BTCPay Server. */
  health(options?: RequestOptions): Promise<Health>;
  /** The server's version; any valid key or password works. */
  serverInfo(
    auth: GreenfieldAuth,
    options?: RequestOptions,
  ): Promise<ServerInfo>;
  /** The key's own label and granted permissions: the cheapest key check. */
  currentApiKey(apiKey: string, options?: RequestOptions): Promise<ApiKeyData>;
  /** Creates a key for the signed-in user (Basic or an unrestricted key). */
  createApiKey(
    auth: GreenfieldAuth,
    request: CreateApiKeyRequest,
    options?: RequestOptions,
  ): Promise<ApiKeyData>;
  /** Creates a key for another user (needs `btcpay.server.canmanageusers`). */
  createUserApiKey(
    auth: GreenfieldAuth,
    idOrEmail: string,
    request: CreateApiKeyRequest,
    options?: RequestOptions,
  ): Promise<ApiKeyData>;
  /** Revokes the key used to make the call; any key can revoke itself. */
  revokeCurrentApiKey(apiKey: string, options?: RequestOptions): Promise<void>;
  /** Revokes another key of the same user (Basic or an unrestricted key). */
  revokeApiKey(
    auth: GreenfieldAuth,
    apiKeyToRevoke: string,
    options?: RequestOptions,
  ): Promise<void>;
  /** Revokes another user's key (needs `btcpay.server.canmanageusers`). */
  revokeUserApiKey(
    auth: GreenfieldAuth,
    idOrEmail: string,
    apiKeyToRevoke: string,
    options?: RequestOptions,
  ): Promise<void>;
  /** The signed-in user's profile (needs `btcpay.user.canviewprofile`). */
  currentUser(
    auth: GreenfieldAuth,
    options?: RequestOptions,
  ): Promise<ApplicationUserData>;
  /** The stores the key and the user's store roles both allow to see. */
  listStores(
    auth: GreenfieldAuth,
    options?: RequestOptions,
  ): Promise<StoreData[]>;
  /** The live server's permission hierarchy, plugin policies included. */
  permissionsMetadata(
    auth: GreenfieldAuth,
    options?: RequestOptions,
  ): Promise<PermissionMetadata[]>;
}

/** The deadline of a request when the caller sets none. */
export const DEFAULT_TIMEOUT_MS = 15_000;

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path segments; user-supplied ones are escaped here. */
  path: readonly string[];
  /** The route with placeholders, logged instead of the real path. */
  route: string;
  auth: GreenfieldAuth | null;
  body?: CreateApiKeyRequest;
  probe?: boolean;
  options: RequestOptions | undefined;
}

/** What every call of one client shares. */
interface ClientSettings {
  baseUrl: string;
  logger: Logger;
  userAgent: string;
  timeoutMs: number;
  dispatcher: Dispatcher | undefined;
}

/** Creates a client for one server. Throws if `baseUrl` is not usable. */
export function createGreenfieldClient(
  clientOptions: GreenfieldClientOptions,
): GreenfieldClient {
  const normalized = normalizeBaseUrl(clientOptions.baseUrl);
  if (!normalized.ok) throw new TypeError(normalized.reason);
  const settings: ClientSettings = {
    baseUrl: normalized.url,
    logger: clientOptions.logger ?? silentLogger,
    userAgent: clientOptions.userAgent ?? 'btcpay-key-manager',
    timeoutMs: clientOptions.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    dispatcher: clientOptions.dispatcher,
  };
  const read = <Schema extends z.ZodType>(call: Call, schema: Schema) =>
    readAnswer(settings, call, schema);
  const confirm = (call: Call) => confirmAnswer(settings, call);
  const baseUrl = settings.baseUrl;

  const token = (apiKey: string): GreenfieldAuth => ({ kind: 'token', apiKey });

  return {
    baseUrl,
    health: async (options) =>
      read(
        { ...get('api/v1/health'), auth: null, probe: true, options },
        Health,
      ),
    serverInfo: async (auth, options) =>
      read({ ...get('api/v1/server/info'), auth, options }, ServerInfo),
    currentApiKey: async (apiKey, options) =>
      read(
        { ...get('api/v1/api-keys/current'), auth: token(apiKey), options },
        ApiKeyData,
      ),
    createApiKey: async (auth, request, options) =>
      read(
        {
          ...post('api/v1/api-keys'),
          auth,
          body: keyRequestBody(request),
          options,
        },
        ApiKeyData,
      ),
    createUserApiKey: async (auth, idOrEmail, request, options) =>
      read(
        {
          method: 'POST',
          path: ['api', 'v1', 'users', required(idOrEmail, 'user'), 'api-keys'],
          route: 'POST /api/v1/users/{idOrEmail}/api-keys',
          auth,
          body: keyRequestBody(request),
          options,
        },
        ApiKeyData,
      ),
    revokeCurrentApiKey: async (apiKey, options) =>
      confirm({
        method: 'DELETE',
        path: ['api', 'v1', 'api-keys', 'current'],
        route: 'DELETE /api/v1/api-keys/current',
        auth: token(apiKey),
        options,
      }),
    revokeApiKey: async (auth, apiKeyToRevoke, options) =>
      confirm({
        method: 'DELETE',
        path: ['api', 'v1', 'api-keys', required(apiKeyToRevoke, 'key')],
        route: 'DELETE /api/v1/api-keys/{apikey}',
        auth,
        options,
      }),
    revokeUserApiKey: async (auth, idOrEmail, apiKeyToRevoke, options) =>
      confirm({
        method: 'DELETE',
        path: [
          ...['api', 'v1', 'users', required(idOrEmail, 'user')],
          ...['api-keys', required(apiKeyToRevoke, 'key')],
        ],
        route: 'DELETE /api/v1/users/{idOrEmail}/api-keys/{apikey}',
        auth,
        options,
      }),
    currentUser: async (auth, options) =>
      read({ ...get('api/v1/users/me'), auth, options }, ApplicationUserData),
    listStores: async (auth, options) =>
      read({ ...get('api/v1/stores'), auth, options }, StoreList),
    permissionsMetadata: async (auth, options) =>
      read(
        { ...get('misc/permissions'), auth, options },
        PermissionMetadataList,
      ),
  };
}

async function exchange(
  settings: ClientSettings,
  call: Call,
): Promise<{ raw: RawResponse; context: Exchange }> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': settings.userAgent,
  };
  if (call.auth) headers['authorization'] = authorizationHeader(call.auth);
  if (call.body) headers['content-type'] = 'application/json';

  const path = call.path.map((segment) => encodeURIComponent(segment));
  const raw = await send({
    method: call.method,
    url: apiUrl(settings.baseUrl, path.join('/')),
    route: call.route,
    headers,
    ...(call.body ? { body: JSON.stringify(call.body) } : {}),
    ...(call.options?.signal ? { signal: call.options.signal } : {}),
    timeoutMs: call.options?.timeoutMs ?? settings.timeoutMs,
    ...(settings.dispatcher ? { dispatcher: settings.dispatcher } : {}),
    logger: settings.logger,
  });
  const context: Exchange = {
    auth: call.auth?.kind ?? 'none',
    ...(call.body?.permissions
      ? { sentPermissions: call.body.permissions }
      : {}),
    ...(call.probe ? { probe: true } : {}),
  };
  return { raw, context };
}

async function readAnswer<Schema extends z.ZodType>(
  settings: ClientSettings,
  call: Call,
  schema: Schema,
): Promise<z.output<Schema>> {
  const { raw, context } = await exchange(settings, call);
  return parseAnswer(raw, schema, context);
}

async function confirmAnswer(
  settings: ClientSettings,
  call: Call,
): Promise<void> {
  const { raw, context } = await exchange(settings, call);
  expectNoContent(raw, context);
}

function get(path: string): Pick<Call, 'method' | 'path' | 'route'> {
  return { method: 'GET', path: path.split('/'), route: `GET /${path}` };
}

function post(path: string): Pick<Call, 'method' | 'path' | 'route'> {
  return { method: 'POST', path: path.split('/'), route: `POST /${path}` };
}

function required(value: string, what: 'user' | 'key'): string {
  if (value.trim() === '') {
    throw new TypeError(
      what === 'user'
        ? 'A user id or email is required.'
        : 'A key is required.',
    );
  }
  return value;
}

function keyRequestBody(request: CreateApiKeyRequest): CreateApiKeyRequest {
  return {
    ...(request.label !== undefined ? { label: request.label } : {}),
    ...(request.permissions !== undefined
      ? { permissions: [...request.permissions] }
      : {}),
  };
}
