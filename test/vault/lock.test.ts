import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withVaultLock } from '../../src/vault/lock';
import { tempHome } from './helpers';

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ home, cleanup } = await tempHome()));
afterEach(() => cleanup());

describe('withVaultLock', () => {
  it('runs a nested call for the same folder under the lock already held', async () => {
    const steps: string[] = [];

    await withVaultLock(home, async () => {
      steps.push('outer');
      await withVaultLock(home, async () => {
        steps.push('inner');
      });
      steps.push('outer again');
    });

    expect(steps).toEqual(['outer', 'inner', 'outer again']);
  });

  it('makes work a task left running wait for the lock like anyone else', async () => {
    const steps: string[] = [];
    let leftover: Promise<void> = Promise.resolve();

    await withVaultLock(home, async () => {
      leftover = delay(30).then(() =>
        withVaultLock(home, async () => {
          steps.push('leftover');
        }),
      );
    });
    const next = withVaultLock(home, async () => {
      steps.push('next starts');
      await delay(120);
      steps.push('next ends');
    });
    await Promise.all([leftover, next]);

    expect(steps).toEqual(['next starts', 'next ends', 'leftover']);
  });
});
