import { Bench, type Task } from 'tinybench';

/**
 * How every benchmark summarises its samples: median, quartiles and median
 * absolute deviation, in milliseconds. Medians resist the noise of a shared
 * machine better than means.
 */

/** A measured operation: its middle and spread, in milliseconds. */
export interface Timing {
  median: number;
  p25: number;
  p75: number;
  /** Median absolute deviation (not scaled). */
  mad: number;
  samples: number;
}

/** Summarises raw samples (milliseconds). */
export function summarize(samples: readonly number[]): Timing {
  if (samples.length === 0) throw new Error('No samples to summarise.');
  const sorted = [...samples].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const deviations = sorted.map((s) => Math.abs(s - median));
  return {
    median,
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    mad: quantile(
      deviations.sort((a, b) => a - b),
      0.5,
    ),
    samples: sorted.length,
  };
}

/** Linear interpolation between order statistics, as tinybench does. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  const a = sorted[low] ?? 0;
  const b = sorted[high] ?? a;
  return a + (b - a) * (at - low);
}

/** How many runs a measurement gets; large inputs get fewer. */
export interface RunBudget {
  iterations: number;
  warmupIterations: number;
  /** Minimum time per task (tinybench keeps going until both are met). */
  timeMs?: number;
}

/** A function to time; may return a duration that replaces the clock's. */
export type Timed = () =>
  | Promise<void | { overriddenDuration: number }>
  | void
  | { overriddenDuration: number };

/**
 * Times each function with tinybench, interleaving nothing: tasks run one
 * after the other, each with its own warm-up. Returns timings by name.
 */
export async function measure(
  tasks: Record<string, Timed>,
  budget: RunBudget,
): Promise<Record<string, Timing>> {
  const bench = new Bench({
    iterations: budget.iterations,
    time: budget.timeMs ?? 0,
    warmup: budget.warmupIterations > 0,
    warmupIterations: budget.warmupIterations,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
  });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  return Object.fromEntries(
    bench.tasks.map((task) => [task.name, timing(task)]),
  );
}

function timing(task: Task): Timing {
  const result = task.result;
  if (result.state !== 'completed') {
    throw new Error(`Benchmark "${task.name}" ended as ${result.state}.`);
  }
  const samples = result.latency.samples;
  if (!samples) throw new Error(`Benchmark "${task.name}" kept no samples.`);
  return summarize(samples);
}

/** `value / floor`, rounded for reports. */
export function ratio(value: number, floor: number): number {
  return round(value / floor, 2);
}

/** Rounds for reports; keeps small numbers readable. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
