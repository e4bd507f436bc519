import { setTimeout as sleep } from 'node:timers/promises';
import { Problem } from './problem';

export const DEFAULT_MAX_READ_WAITERS = 256;

/**
 * Reads that wait (`?after=`) for their read model to catch up. Each polls with backoff (5 ms doubling to 250 ms, so a
 * caught-up read answers at once and a slow one costs a few Redis calls a second), and at most `max` wait at a time:
 * one more is refused with 503 and Retry-After instead of adding load.
 */
export class ReadWaits {
  private active = 0;

  constructor(private readonly max: number = DEFAULT_MAX_READ_WAITERS) {}

  /** Reads waiting now. */
  get waiting(): number {
    return this.active;
  }

  /** Resolves true once `caughtUp` says so, false at `deadline` (ms since the epoch). */
  async until(caughtUp: () => Promise<boolean>, deadline: number): Promise<boolean> {
    if (this.active >= this.max) {
      throw new Problem(503, 'too_many_waiting_reads', `${this.max} reads are already waiting with ?after=; retry shortly, or read without ?after=`, [], {
        'retry-after': '1',
      });
    }
    this.active += 1;
    try {
      for (let delay = 5; ; delay = Math.min(delay * 2, 250)) {
        if (await caughtUp()) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await sleep(Math.min(delay, left));
      }
    } finally {
      this.active -= 1;
    }
  }
}
