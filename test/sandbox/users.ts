import { randomBytes, randomUUID } from 'node:crypto';
import { recordTestSecret } from '../support/secrets';

/** Which sandbox account this is, named after the situation it exercises. */
export type SandboxUserRole =
  | 'admin'
  | 'merchant'
  | 'fido'
  | 'totp'
  | 'nobasic'
  | 'lockme'
  | 'colon'
  | 'unconfirmed'
  | 'unapproved'
  | 'guest';

/** What a test needs to know about a sandbox account. */
export interface SandboxUserInfo {
  id: string;
  email: string;
  password: string;
  role: SandboxUserRole;
  notes: string;
}

/** A sandbox account with the state BTCPay keeps on ApplicationUser. */
export interface SandboxUser extends SandboxUserInfo {
  serverAdmin: boolean;
  createdAt: number;
  emailConfirmed: boolean;
  requiresEmailConfirmation: boolean;
  approved: boolean;
  requiresApproval: boolean;
  disabled: boolean;
  hasFido2: boolean;
  hasTotp: boolean;
  /** null: the 2.4.2 default (off for accounts older than 5 minutes). */
  basicAuthEnabled: boolean | null;
  failedLogins: number;
  lockoutEnd: number;
}

/** Identity's lockout: 5 failed passwords lock the account for 5 minutes. */
export const LOCKOUT_ATTEMPTS = 5;
/** How long a lockout lasts. */
export const LOCKOUT_MS = 5 * 60_000;
const MONTH_MS = 30 * 24 * 3600_000;

function password(): string {
  // Letters and digits only, so a password never looks like a CLI flag.
  return randomBytes(15).toString('base64url').replace(/[-_]/g, 'x');
}

interface UserSeed {
  role: SandboxUserRole;
  notes: string;
  changes?: Partial<SandboxUser>;
}

const SEEDS: UserSeed[] = [
  {
    role: 'admin',
    notes: 'ServerAdmin; owns one store; Basic auth enabled',
    changes: { serverAdmin: true, basicAuthEnabled: true },
  },
  {
    role: 'merchant',
    notes: 'owns 2 stores; Basic auth enabled',
    changes: { basicAuthEnabled: true },
  },
  {
    role: 'fido',
    notes: 'has a FIDO2 credential: Basic auth refused (multi-factor)',
    changes: { hasFido2: true, basicAuthEnabled: true },
  },
  {
    role: 'totp',
    notes: 'authenticator-app 2FA: Basic works before 2.4.2, refused after',
    changes: { hasTotp: true, basicAuthEnabled: true },
  },
  {
    role: 'nobasic',
    notes: 'Basic auth not enabled (2.4.2 and later)',
    changes: { basicAuthEnabled: false },
  },
  {
    role: 'lockme',
    notes: '5 wrong passwords lock it for 5 minutes; its keys then get 401',
    changes: { basicAuthEnabled: true },
  },
  {
    role: 'colon',
    notes: "password contains ':' so Basic auth always fails (BTCPay cuts it)",
    changes: { basicAuthEnabled: true },
  },
  {
    role: 'unconfirmed',
    notes: 'email not confirmed while confirmation is required',
    changes: { emailConfirmed: false, requiresEmailConfirmation: true },
  },
  {
    role: 'unapproved',
    notes: 'waiting for admin approval',
    changes: { approved: false, requiresApproval: true },
  },
  {
    role: 'guest',
    notes: "Guest on the merchant's first store: may view and create invoices",
    changes: { basicAuthEnabled: true },
  },
];

/** Creates the fixed sandbox accounts with fresh random passwords. */
export function createSeedUsers(now: number): SandboxUser[] {
  return SEEDS.map((seed) => ({
    id: randomUUID(),
    email: `${seed.role}@sandbox.test`,
    // Registered so the run's hygiene check looks for it everywhere.
    password: recordTestSecret(
      seed.role === 'colon' ? `${password()}:${password()}` : password(),
      'password',
    ),
    role: seed.role,
    notes: seed.notes,
    serverAdmin: false,
    createdAt: now - MONTH_MS,
    emailConfirmed: true,
    requiresEmailConfirmation: false,
    approved: true,
    requiresApproval: false,
    disabled: false,
    hasFido2: false,
    hasTotp: false,
    basicAuthEnabled: null,
    failedLogins: 0,
    lockoutEnd: 0,
    ...seed.changes,
  }));
}

/** The public view of an account, as `Sandbox.users` lists it. */
export function userInfo(user: SandboxUser): SandboxUserInfo {
  const { id, email, password: secret, role, notes } = user;
  return { id, email, password: secret, role, notes };
}

/** Why BTCPay's CanLogin refuses this account now, or null when it may log in. */
export function cannotLoginReason(
  user: SandboxUser,
  now: number,
): string | null {
  if (user.requiresEmailConfirmation && !user.emailConfirmed) {
    return 'You must have a confirmed email to log in.';
  }
  if (user.requiresApproval && !user.approved) {
    return 'Your user account requires approval by an admin before you can log in.';
  }
  // ApplicationUser.IsDisabled is also true during a lockout.
  if (user.disabled || user.lockoutEnd > now) {
    return 'Your user account is currently disabled.';
  }
  return null;
}

/** Identity's password check with lockoutOnFailure: 'Succeeded' or the failure word. */
export function checkPassword(
  user: SandboxUser,
  attempt: string,
  now: number,
): 'Succeeded' | 'Failed' | 'Lockedout' {
  if (user.lockoutEnd > now) return 'Lockedout';
  if (attempt === user.password) {
    user.failedLogins = 0;
    return 'Succeeded';
  }
  user.failedLogins += 1;
  if (user.failedLogins >= LOCKOUT_ATTEMPTS) {
    user.failedLogins = 0;
    user.lockoutEnd = now + LOCKOUT_MS;
    return 'Lockedout';
  }
  return 'Failed';
}

/** Finds an account by id or email (emails compare case-insensitively). */
export function findUser(
  users: SandboxUser[],
  idOrEmail: string,
): SandboxUser | undefined {
  const wanted = idOrEmail.toLowerCase();
  return users.find(
    (user) => user.id === idOrEmail || user.email.toLowerCase() === wanted,
  );
}
