import {
  measure,
  ratio,
  summarize,
  type RunBudget,
  type Timed,
  type Timing,
} from './stats';

/**
 * Wall-clock timings with CPU time alongside. On a machine shared with
 * other work, wall time swings with the scheduler while the CPU time an
 * operation needs stays put, so both are reported.
 */

/** Wall and CPU timings of one task. */
export interface DualTiming {
  wall: Timing;
  cpu: Timing;
}

/** Like `measure`, also recording each run's CPU time (warm-ups dropped). */
export async function measureWithCpu(
  tasks: Record<string, Timed>,
  budget: RunBudget,
): Promise<Record<string, DualTiming>> {
  const cpuSamples = new Map<string, number[]>();
  const wrapped: Record<string, Timed> = {};
  for (const [name, fn] of Object.entries(tasks)) {
    const samples: number[] = [];
    cpuSamples.set(name, samples);
    wrapped[name] = async () => {
      const before = process.cpuUsage();
      await fn();
      const spent = process.cpuUsage(before);
      samples.push((spent.user + spent.system) / 1000);
    };
  }
  const wall = await measure(wrapped, budget);
  const result: Record<string, DualTiming> = {};
  for (const [name, timing] of Object.entries(wall)) {
    const samples = (cpuSamples.get(name) ?? []).slice(budget.warmupIterations);
    result[name] = { wall: timing, cpu: summarize(samples) };
  }
  return result;
}

/** Wall and CPU ratios of an operation to its floor. */
export function ratios(
  operation: DualTiming,
  floor: DualTiming,
): { wall: number; cpu: number } {
  return {
    wall: ratio(operation.wall.median, floor.wall.median),
    cpu: ratio(operation.cpu.median, floor.cpu.median),
  };
}
