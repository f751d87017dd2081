import type { Timing } from './stats';

/** What a figure is judged against. */
export type Goal =
  | { kind: 'ratio'; max: number; floor: string }
  | { kind: 'ms'; max: number }
  | { kind: 'kib'; max: number }
  | { kind: 'report' };

/** One row of the results: an operation, its floor and how it did. */
export interface BenchRow {
  id: string;
  operation: string;
  goal: Goal;
  /** The figure the goal is judged on (ratio, ms or KiB). */
  value: number | null;
  /** The value's unit when the goal does not say it (reported rows). */
  unit?: '×' | 'ms' | 'KiB';
  /** True when the goal is met, null when there is no goal to meet. */
  met: boolean | null;
  /** Wall-clock timing of the operation, when it is a timing. */
  timing?: Timing;
  /** Wall-clock timing of its floor. */
  floorTiming?: Timing;
  /** Ratio of CPU time (process.cpuUsage), steadier on a busy machine. */
  cpuRatio?: number;
  /** Anything else worth reading: counts, sizes, breakdowns. */
  details?: Record<string, unknown>;
  notes?: string[];
}

/** A figure measured at several sizes, to show how it grows. */
export interface GrowthSeries {
  id: string;
  what: string;
  unit: string;
  points: Array<{ keys: number; value: number }>;
  /** value(next) / value(previous) for each tenfold step in keys. */
  stepRatios: number[];
}

/** Growth ratios between consecutive points. */
export function growth(
  id: string,
  what: string,
  unit: string,
  points: Array<{ keys: number; value: number }>,
): GrowthSeries {
  const stepRatios = points.slice(1).map((point, index) => {
    const previous = points[index]?.value ?? 0;
    return previous === 0
      ? 0
      : Math.round((point.value / previous) * 100) / 100;
  });
  return { id, what, unit, points, stepRatios };
}

/** Judges a ratio, a time or a size against its goal. */
export function judge(goal: Goal, value: number | null): boolean | null {
  if (goal.kind === 'report' || value === null) return null;
  return value <= goal.max;
}
