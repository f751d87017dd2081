import { createGreenfieldClient } from '../greenfield';
import {
  managerAccount,
  sameAccount,
  type ClientFactory,
  type KnownAccount,
} from '../keys';
import {
  describeRequestPermissions,
  needsStoreChoice,
  requestRiskClasses,
  type PermissionDescription,
  type RiskClass,
} from '../permissions';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import type { DelegationRequest } from './link';
import {
  findListeningProcess,
  type ListeningProcess,
} from './listener-process';
import { findReusableKey, type MintChoice } from './obtain';

/**
 * What the merchant is shown before deciding on a deep-link request, and
 * which ways of getting the key are open to them.
 */

/** Everything the consent screen shows about a request. */
export interface ConsentView {
  request: DelegationRequest;
  /** The server as stored here, or null when it is new to this app. */
  server: ServerRecord | null;
  /** Who listens on the callback port, when the OS can tell. */
  listener: ListeningProcess | null;
  permissions: PermissionDescription[];
  risks: RiskClass[];
  /** A stored key with exactly the requested permissions, offered for reuse. */
  reusableKey: KeyRecord | null;
  /** The ways the key can be obtained here. */
  methods: MintChoice[];
  /** The way preselected: the server's configured one when it is open. */
  defaultMethod: MintChoice;
  /** True when a key made here needs the merchant to pick one store. */
  needsStore: boolean;
  /**
   * Why a remembered allow did not answer by itself (a different program
   * listens on the callback now), or null.
   */
  rememberedMismatch: string | null;
}

/** The ways open for a server: reuse when a key matches, manager when one is stored. */
function methodsFor(
  server: ServerRecord | null,
  reusableKey: KeyRecord | null,
): MintChoice[] {
  const methods: MintChoice[] = [];
  if (reusableKey) methods.push('reuse');
  if (server?.managerKeyId) methods.push('manager');
  methods.push('authorize', 'basic');
  return methods;
}

/**
 * A new key the way the merchant set up for this server; the browser when
 * that way is not open (a manager key was removed, the server is new).
 * Reusing a key is never preselected: the merchant confirms it by choosing.
 */
function defaultMethodFor(
  server: ServerRecord | null,
  methods: MintChoice[],
): MintChoice {
  const configured = server?.mintMethod;
  return configured && methods.includes(configured) ? configured : 'authorize';
}

/** Builds what the consent screen shows. */
export async function prepareConsent(
  vault: Vault,
  request: DelegationRequest,
): Promise<ConsentView> {
  const listener = request.redirect
    ? await findListeningProcess(request.redirect.port)
    : null;
  return refreshConsent(vault, {
    request,
    server: null,
    listener,
    permissions: describeRequestPermissions(request),
    risks: requestRiskClasses(request),
    reusableKey: null,
    methods: [],
    defaultMethod: 'authorize',
    needsStore: needsStoreChoice(request),
    rememberedMismatch: null,
  });
}

/**
 * Reads the server and the reusable key again, for a view that stayed on
 * screen while the merchant added the server or connected a manager key.
 */
export async function refreshConsent(
  vault: Vault,
  view: ConsentView,
): Promise<ConsentView> {
  const server = await vault.findServer(view.request.server);
  const { keys } = await vault.metadata();
  const reusableKey = server
    ? findReusableKey(keys, server.id, view.request)
    : null;
  const methods = methodsFor(server, reusableKey);
  return {
    ...view,
    server,
    reusableKey,
    methods,
    defaultMethod: defaultMethodFor(server, methods),
  };
}

/** A store the merchant can pick for a store-limited request. */
export interface PickableStore {
  id: string;
  name: string;
}

/** Whose stores `storesToPick` may list. */
export interface StoresToPickOptions {
  clientFactory?: ClientFactory;
  /**
   * The account the key is minted with, when it is not the manager key's
   * own (a password sign-in). Its stores are listed only when it is the
   * manager key's account: asking with the password instead would spend
   * one of the sign-in attempts BTCPay counts toward locking the account.
   */
  signingIn?: KnownAccount;
}

/**
 * The stores the manager key sees (`GET /api/v1/stores`), to pick the one a
 * store-limited key is made for and to check a given store id; null when no
 * manager key is stored, or when it belongs to another account than
 * `signingIn` (or whose account is not known).
 */
export async function storesToPick(
  vault: Vault,
  server: ServerRecord | null,
  options: StoresToPickOptions = {},
): Promise<PickableStore[] | null> {
  if (!server?.managerKeyId) return null;
  if (options.signingIn) {
    const manager = await managerAccount(vault, server);
    if (!manager || !sameAccount(manager, options.signingIn)) return null;
  }
  const apiKey = await vault.readSecret(server.managerKeyId, 'use');
  const client = options.clientFactory
    ? options.clientFactory(server.baseUrl)
    : createGreenfieldClient({ baseUrl: server.baseUrl });
  const stores = await client.listStores({ kind: 'token', apiKey });
  return stores.map((s) => ({ id: s.id, name: s.name || s.id }));
}
