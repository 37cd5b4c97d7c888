import { ConcurrentChange } from './ports';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a read-decide-write step again when another request changed the same records between its read and
 * its conditional write (ConcurrentChange), after a short random pause that grows with the rounds. Any other
 * error, or the last round's ConcurrentChange, goes to the caller.
 */
export const untilCommitted = async <T>(
  { attempts }: { attempts: number },
  step: () => Promise<T>,
): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ConcurrentChange) || attempt >= attempts) throw error;
      await sleep(Math.random() * Math.min(100, 5 * attempt));
    }
  }
};

/**
 * Many people may take the last seats of a meeting or the head of its waiting list at once: allow many
 * rounds (each conflict means someone else's write went through).
 */
export const contendedRounds = { attempts: 60 };
