import type { AddressInfo } from 'node:net';
import type { SandboxPluginPolicy } from './hierarchy';
import type { BasicRateLimit } from './rate-limit';
import { createSandboxServer } from './server';
import { SandboxState, type RecordedRequest, type SandboxFault } from './state';
import { storeInfo } from './stores';
import { LOCKOUT_MS, userInfo, type SandboxUserInfo } from './users';

export type { SandboxPluginPolicy } from './hierarchy';
export type { RecordedRequest, SandboxFault } from './state';
export type { SandboxUserInfo, SandboxUserRole } from './users';

/** How to start a sandbox; every field is optional. */
export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Root path BTCPay is served under, e.g. '/btcpay/'; default '/'. */
  basePath?: string;
  /** BTCPay version to emulate; default '2.4.4'. */
  version?: string;
  /** 'mainnet' turns on the HTTPS gate of the authorize page; default 'regtest'. */
  network?: 'mainnet' | 'regtest';
  /** Serve HTTPS with a self-signed certificate (for TLS-error tests). */
  tls?: boolean;
  /** Delay added before every answer. */
  latencyMs?: number;
  /** Basic-auth throttle per client address; default 5 a minute, burst 3. */
  basicRateLimit?: BasicRateLimit;
  /** Policies a third-party plugin registers (served from 2.3.6). */
  pluginPolicies?: SandboxPluginPolicy[];
}

/** A key as the sandbox stores it, including what no API exposes. */
export interface SandboxKeyInfo {
  apiKey: string;
  label: string;
  permissions: string[];
  applicationIdentifier: string | null;
  applicationAuthority: string | null;
}

/** Test-only controls that reach past the HTTP surface. */
export interface SandboxAdmin {
  mintKey(email: string, permissions: string[], label?: string): string;
  revokeKey(apiKey: string): void;
  keysOf(email: string): SandboxKeyInfo[];
  lockOut(email: string): void;
  unlock(email: string): void;
  setDisabled(email: string, disabled: boolean): void;
  setBasicAuthEnabled(email: string, enabled: boolean): void;
  addStore(ownerEmail: string, name: string): string;
  setFault(fault: SandboxFault | null): void;
  /** Moves the sandbox clock forward (lockouts, rate-limit refill). */
  advanceClock(ms: number): void;
  /** Every request received, oldest first (live array). */
  requests: RecordedRequest[];
}

/** A running sandbox server. */
export interface Sandbox {
  /** Base URL including the base path, ending in '/'. */
  url: string;
  users: SandboxUserInfo[];
  stores: { id: string; name: string; ownerEmail: string }[];
  close(): Promise<void>;
  admin: SandboxAdmin;
}

function normaliseBasePath(basePath: string | undefined): string {
  const trimmed = (basePath ?? '/').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

function adminFor(state: SandboxState): SandboxAdmin {
  return {
    mintKey: (email, permissions, label = '') =>
      state.keys.create(state.user(email).id, label, permissions).apiKey,
    revokeKey: (apiKey) => void state.keys.revoke(apiKey),
    keysOf: (email) =>
      state.keys.ofUser(state.user(email).id).map((key) => ({
        apiKey: key.apiKey,
        label: key.label,
        permissions: [...key.permissions],
        applicationIdentifier: key.applicationIdentifier,
        applicationAuthority: key.applicationAuthority,
      })),
    lockOut: (email) => {
      state.user(email).lockoutEnd = state.now() + LOCKOUT_MS;
    },
    unlock: (email) => {
      const user = state.user(email);
      user.lockoutEnd = 0;
      user.failedLogins = 0;
    },
    setDisabled: (email, disabled) => {
      state.user(email).disabled = disabled;
    },
    setBasicAuthEnabled: (email, enabled) => {
      state.user(email).basicAuthEnabled = enabled;
    },
    addStore: (ownerEmail, name) => state.addStore(ownerEmail, name),
    setFault: (fault) => {
      state.fault = fault;
    },
    advanceClock: (ms) => state.advanceClock(ms),
    requests: state.requests,
  };
}

/** Starts an in-memory BTCPay Server stand-in on 127.0.0.1. */
export async function startSandbox(
  options: SandboxOptions = {},
): Promise<Sandbox> {
  const state = new SandboxState({
    version: options.version ?? '2.4.4',
    network: options.network ?? 'regtest',
    basePath: normaliseBasePath(options.basePath),
    tls: options.tls ?? false,
    latencyMs: options.latencyMs ?? 0,
    basicRateLimit: options.basicRateLimit ?? { perMinute: 5, burst: 3 },
    pluginPolicies: options.pluginPolicies ?? [],
  });
  const server = createSandboxServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const scheme = state.settings.tls ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${port}${state.settings.basePath}`,
    users: state.users.map(userInfo),
    get stores() {
      return state.stores.map(storeInfo);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    admin: adminFor(state),
  };
}
