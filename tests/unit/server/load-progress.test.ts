/** The first load's one percentage: weighted by step, rising only, 99 at most until the server says ready. */
import { loadProgressTracker, STEP_WEIGHTS } from '../../../server/features/areas/progress';

describe('loadProgressTracker', () => {
  it('when steps report progress in order, then the overall percent rises with their weights and stops at 99', () => {
    const track = loadProgressTracker(['practices', 'postcodes', 'profiles']);
    const total = STEP_WEIGHTS.practices + STEP_WEIGHTS.postcodes + STEP_WEIGHTS.profiles;
    expect(track('practices', 0, 0)).toEqual({ step: 'practices', stepPercent: 0, percent: 0 });
    const halfPostcodes = track('postcodes', 50, 100);
    expect(halfPostcodes.stepPercent).toBe(50);
    expect(halfPostcodes.percent).toBe(
      Math.floor(((STEP_WEIGHTS.practices + STEP_WEIGHTS.postcodes / 2) / total) * 100),
    );
    expect(track('profiles', 1, 1).percent).toBe(99);
  });

  it('when a step starts again from zero or reports less, then the overall percent never goes down', () => {
    const track = loadProgressTracker(['lsoas', 'postcodes']);
    const before = track('lsoas', 90, 100).percent;
    expect(track('lsoas', 0, 0).percent).toBe(before);
    expect(track('postcodes', 0, 100).percent).toBeGreaterThanOrEqual(before);
  });

  it('when only some datasets need loading, then they alone make up the 100', () => {
    const track = loadProgressTracker(['workforce']);
    expect(track('workforce', 1, 2).percent).toBe(50);
  });
});
