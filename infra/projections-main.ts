import { runMain } from '../platform/entry';
import { ProjectionError } from '../platform/errors';
import { isOperatorError, projectionsCli } from '../projections/cli-commands';

/** Process entry point of `npm run projections -- …` (the same commands as `partnerflow projections …`). */
runMain(() =>
  // Without arguments parseArgs reads the process's own, which also works under `node -e` (as the tests run it).
  projectionsCli().catch((e: unknown) => {
    throw isOperatorError(e) && !(e instanceof ProjectionError) ? new ProjectionError((e as Error).message) : e;
  }),
);
