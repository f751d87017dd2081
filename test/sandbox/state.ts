import { randomBytes } from 'node:crypto';
import { KeyStore } from './keys';
import {
  policiesForVersion,
  type SandboxPolicy,
  type SandboxPluginPolicy,
} from './hierarchy';
import { ClientRateLimiter, type BasicRateLimit } from './rate-limit';
import { newStoreId, type SandboxStore } from './stores';
import { createSeedUsers, findUser, type SandboxUser } from './users';

/** A failure the sandbox injects instead of answering normally. */
export interface SandboxFault {
  kind:
    | 'status500'
    | 'slow'
    | 'drop-connection'
    | 'invalid-json'
    | 'html-login'
    | 'html-page'
    | 'rate-limit';
  /** Path prefixes below the base path (e.g. '/api/v1/stores'); all if absent. */
  paths?: string[];
  delayMs?: number;
}

/** One request as the sandbox received it, for contract tests. */
export interface RecordedRequest {
  method: string;
  /** Path below the base path, starting with '/', without the query. */
  path: string;
  /** The full request target as sent, including base path and query. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The settings a sandbox server was started with, defaults applied. */
export interface SandboxSettings {
  version: string;
  network: 'mainnet' | 'regtest';
  basePath: string;
  tls: boolean;
  latencyMs: number;
  basicRateLimit: BasicRateLimit;
  /** Policies third-party plugins add on top of the version's own. */
  pluginPolicies: readonly SandboxPluginPolicy[];
}

/** A browser session: the logged-in user and a one-shot status message. */
export interface BrowserSession {
  userId: string | null;
  flash: { kind: 'success' | 'error'; text: string } | null;
}

/** Everything one sandbox server knows; the HTTP layer reads and changes it. */
export class SandboxState {
  readonly users: SandboxUser[];
  readonly keys = new KeyStore();
  readonly stores: SandboxStore[] = [];
  readonly sessions = new Map<string, BrowserSession>();
  readonly requests: RecordedRequest[] = [];
  readonly antiforgerySecret = randomBytes(32);
  readonly basicLimiter: ClientRateLimiter;
  fault: SandboxFault | null = null;
  private clockOffset = 0;

  constructor(readonly settings: SandboxSettings) {
    this.users = createSeedUsers(Date.now());
    this.basicLimiter = new ClientRateLimiter(settings.basicRateLimit);
    const merchant = this.user('merchant@sandbox.test');
    this.addStore('admin@sandbox.test', 'Admin Shop');
    const first = this.addStore(merchant.email, 'Merchant Main Store');
    this.addStore(merchant.email, 'Merchant Second Store');
    this.store(first).members.set(this.user('guest@sandbox.test').id, 'Guest');
  }

  /** Every policy this server defines: its version's, plus the plugins'. */
  definedPolicies(): ReadonlyMap<string, SandboxPolicy> {
    return policiesForVersion(
      this.settings.version,
      this.settings.pluginPolicies,
    );
  }

  /** The sandbox clock: real time plus whatever tests advanced it by. */
  now(): number {
    return Date.now() + this.clockOffset;
  }

  /** Moves the sandbox clock forward, e.g. past a lockout. */
  advanceClock(ms: number): void {
    this.clockOffset += ms;
  }

  /** The account with this email or id; throws for a typo in a test. */
  user(idOrEmail: string): SandboxUser {
    const user = findUser(this.users, idOrEmail);
    if (!user) throw new Error(`No sandbox user ${idOrEmail}`);
    return user;
  }

  /** The store with this id; throws when absent. */
  store(storeId: string): SandboxStore {
    const store = this.stores.find((candidate) => candidate.id === storeId);
    if (!store) throw new Error(`No sandbox store ${storeId}`);
    return store;
  }

  /** Creates a store owned by this user and returns its id. */
  addStore(ownerEmail: string, name: string): string {
    const owner = this.user(ownerEmail);
    const store: SandboxStore = {
      id: newStoreId(),
      name,
      ownerEmail: owner.email,
      members: new Map([[owner.id, 'Owner']]),
    };
    this.stores.push(store);
    return store.id;
  }

  /** The stores this user is a member of, with their role there. */
  storesOf(userId: string): SandboxStore[] {
    return this.stores.filter((store) => store.members.has(userId));
  }
}
