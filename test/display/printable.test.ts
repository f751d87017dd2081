import { describe, expect, it } from 'vitest';
import { printable } from '../../src/display/printable';

describe('printable', () => {
  it('replaces control characters, escapes included, with spaces', () => {
    expect(printable('a\u001b[2K\rb\nc\u0007d\u009be')).toBe('a [2K b c d e');
  });

  it('replaces bidi overrides, isolates and invisible format characters', () => {
    expect(printable('pay\u202Etxt.exe')).toBe('pay txt.exe');
    expect(printable('\u2066a\u2069\u200Bb\u2028c\u2029')).toBe(' a  b c ');
  });

  it('keeps visible text as it is', () => {
    expect(printable('Caf\u00e9 invoices — 🧾 ünïcode')).toBe(
      'Caf\u00e9 invoices — 🧾 ünïcode',
    );
  });
});
