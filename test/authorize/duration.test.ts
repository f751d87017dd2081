import { describe, expect, it } from 'vitest';
import { durationInWords } from '../../src/authorize/duration';
import { timeoutFailure } from '../../src/authorize/flow-failures';

describe('durationInWords', () => {
  it.each([
    [250, '250 milliseconds'],
    [1_000, '1 second'],
    [45_000, '45 seconds'],
    [60_000, '1 minute'],
    [90_000, '1 minute and 30 seconds'],
    [61_000, '1 minute and 1 second'],
    [600_000, '10 minutes'],
  ])('says %i ms as "%s"', (ms, words) => {
    expect(durationInWords(ms)).toBe(words);
  });
});

describe('timeoutFailure', () => {
  it('says how long it really waited, and ten minutes by default', () => {
    expect(timeoutFailure(1_000, null).message).toMatch(
      /^No key arrived within 1 second;/,
    );
    expect(timeoutFailure(undefined, null).message).toMatch(
      /^No key arrived within 10 minutes;/,
    );
  });
});
