/** One percentage for a whole reference-data load, from each step's own progress weighted by its usual duration. */
import type { StepName } from './datasets';

/**
 * Relative duration of each step of a first load (seconds on the reference machine, docs/benchmarks.md): the overall
 * percentage then moves at a steady pace rather than jumping through the quick steps and stalling on postcodes.
 */
export const STEP_WEIGHTS: Record<StepName, number> = {
  practices: 1,
  boundaries: 1,
  lsoas: 18,
  age_profile: 1,
  workforce: 0.5,
  postcodes: 35,
  catchments: 7,
  profiles: 5,
};

/** Where a load is: its current step, that step's percentage and the whole load's. */
export interface LoadProgress {
  /** Step running now. */
  step: StepName;
  /** Percent of this step done, 0–100. */
  stepPercent: number;
  /** Percent of the whole load done, 0–100; never goes down. */
  percent: number;
}

/**
 * Tracks a load of `steps` (the datasets that need loading, in order). `update` takes a step's progress and returns
 * the load's; a step's progress counts only forward, and earlier steps count as done once a later one reports.
 */
export function loadProgressTracker(
  steps: readonly StepName[],
): (step: StepName, done: number, total: number) => LoadProgress {
  const total = steps.reduce((sum, s) => sum + STEP_WEIGHTS[s], 0) || 1;
  let highest = 0;
  return (step, done, stepTotal) => {
    const index = steps.indexOf(step);
    const before = steps.slice(0, Math.max(index, 0)).reduce((sum, s) => sum + STEP_WEIGHTS[s], 0);
    const stepPercent = stepTotal > 0 ? Math.min(100, Math.max(0, (done / stepTotal) * 100)) : 0;
    const percent = Math.floor(((before + (STEP_WEIGHTS[step] * stepPercent) / 100) / total) * 100);
    highest = Math.max(highest, Math.min(99, percent));
    return { step, stepPercent: Math.floor(stepPercent), percent: highest };
  };
}
