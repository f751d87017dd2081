import { describe, expect, it } from 'vitest';
import {
  classifyAccountRefusal,
  classifyUnauthorized,
  isInvalidPermissionMessage,
} from '../../src/greenfield/server-messages';

// The exact texts BTCPay Server v2.4.1 (and 2.4.2 for Basic auth being off)
// puts in its 401 answers; these matchers are the only place that reads them.
describe('classifyUnauthorized', () => {
  it.each([
    [
      'Authentication is required for accessing this endpoint',
      'no-credentials',
    ],
    ['ApiKey authentication failed: Unknown API Key', 'unknown-key'],
    [
      'Basic authentication failed: Rate limited. Please use authentication ' +
        'with API Keys to avoid throttling.',
      'basic-rate-limited',
    ],
    [
      'Basic authentication for the Greenfield API is not enabled for this ' +
        'user.',
      'basic-disabled',
    ],
    [
      'Cannot use Basic authentication when multi-factor is enabled.',
      'basic-multi-factor',
    ],
    [
      'Basic authentication failed: User not found or invalid password',
      'basic-wrong-password',
    ],
    ['Failed', 'basic-wrong-password'],
    ['Lockedout', 'basic-locked-out'],
    ['NotAllowed', 'basic-not-allowed'],
    ['Basic authentication failed: Failed', 'basic-wrong-password'],
    ['Something else entirely', 'unrecognised'],
  ])('reads "%s" as %s', (message, reason) => {
    expect(classifyUnauthorized(message).reason).toBe(reason);
  });

  it.each([
    [
      'ApiKey',
      'Your user account is currently disabled.',
      'disabled-or-locked',
    ],
    [
      'ApiKey',
      'You must have a confirmed email to log in.',
      'unconfirmed-email',
    ],
    [
      'Basic',
      'Your user account requires approval by an admin before you can log in.',
      'unapproved',
    ],
    ['Basic', 'Your user account has no password set.', 'no-password'],
    ['ApiKey', 'Your subscription has expired.', 'other'],
  ])(
    'reads a %s login refusal "%s" as the owner being blocked (%s)',
    (scheme, reason, refusal) => {
      expect(
        classifyUnauthorized(`${scheme} authentication failed: ${reason}`),
      ).toEqual({ reason: 'account-refused', refusal });
    },
  );

  it('never reads an owner refusal as an unknown key', () => {
    const heard = classifyUnauthorized(
      'ApiKey authentication failed: Your user account is currently disabled.',
    );
    expect(heard.reason).not.toBe('unknown-key');
  });
});

describe('classifyAccountRefusal', () => {
  it('reads a temporary lockout, which BTCPay words as disabled', () => {
    expect(
      classifyAccountRefusal('Your user account is currently disabled.'),
    ).toBe('disabled-or-locked');
  });
});

describe('isInvalidPermissionMessage', () => {
  it("recognises older servers' answer for an unknown permission", () => {
    expect(isInvalidPermissionMessage("Invalid 'Permission' String")).toBe(
      true,
    );
    expect(isInvalidPermissionMessage('The Label field is required.')).toBe(
      false,
    );
  });
});
