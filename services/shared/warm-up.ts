import { loadMatcher } from '../store/embedded-store';
import { isWorkingDay } from './working-days';

/**
 * Loads at start-up what turns load lazily: the MongoDB matcher the embedded store checks
 * array-field filters with (a vote's eligible members, a profile update) and the Swedish holiday
 * calendar (deadlines in working days). Each takes a few hundred milliseconds on a busy machine;
 * loaded by the first turn that needs it, every other person's turn would wait meanwhile.
 */
export function warmUpLibraries(now: Date): void {
  loadMatcher();
  isWorkingDay(now);
}
