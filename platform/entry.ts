import { AppError, exitCodeOf } from './errors';

/** Ends a process entry point: the application's errors as one clear message, anything else with its stack; exit non-zero. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof AppError && err.operatorCanFix) {
      process.stderr.write(`\n✗ ${err.message}\n`);
    } else {
      process.stderr.write(`\n✗ unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(exitCodeOf(err));
  });
}

/** How long after the first signal a repeated one counts as the same stop request (Ctrl-C and a forwarded copy). */
const SAME_STOP_MS = 2000;

/**
 * Resolves on the first SIGINT or SIGTERM. The handlers stay installed: a copy of the signal arriving right after
 * (the terminal and npm both pass Ctrl-C on) must not kill the process mid-shutdown, which would leave, say, a
 * projector's consumer group waiting out a session timeout on the next start. A signal sent later means "now":
 * it exits at once.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let firstAt: number | undefined;
    const on = (signal: NodeJS.Signals) => {
      if (firstAt === undefined) {
        firstAt = Date.now();
        resolve(signal);
      } else if (Date.now() - firstAt > SAME_STOP_MS) {
        process.stderr.write(`\n✗ ${signal} again while stopping: exiting without a clean stop\n`);
        process.exit(130);
      }
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
