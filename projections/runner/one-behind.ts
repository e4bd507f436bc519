/** What `OneBehind.everyAged` needs of a processor: how long its oldest unflushed batch has waited. */
export interface Buffering {
  readonly bufferedSince: number | null;
}

/**
 * Runs flushes in the background, one at a time, so the next batches are fetched while Redis takes the last flush: a
 * second flush due while one is in flight waits for it (which also bounds what is buffered).
 */
export class OneBehind {
  private inFlight: Promise<void> | null = null;

  /** True while a background task runs. */
  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** Waits for the task in flight, if any, then starts `task` without waiting for it. `task` must not reject. */
  async start(task: () => Promise<void>): Promise<void> {
    if (this.inFlight !== null) await this.inFlight;
    const current: Promise<void> = task().finally(() => {
      if (this.inFlight === current) this.inFlight = null;
    });
    this.inFlight = current;
  }

  /** Resolves once the task in flight (if any) is done. */
  async settled(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
  }

  /**
   * Starts `task` in the background whenever `processor` has held a batch for `afterMs` and nothing runs (a log that
   * went quiet before any batch reached its partition's end). Returns the timer, to clear on stop.
   */
  everyAged(processor: Buffering, afterMs: number, task: () => Promise<void>): NodeJS.Timeout {
    return setInterval(
      () => {
        const since = processor.bufferedSince;
        if (since !== null && Date.now() - since >= afterMs && !this.busy) void this.start(task);
      },
      Math.max(10, Math.floor(afterMs / 4)),
    );
  }
}
