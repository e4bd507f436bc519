import { runMain } from '../infra/entry';
import { InfraError } from '../infra/processes';
import { isOperatorError, projectionsCli } from './cli-commands';

/** Process entry point of `npm run projections -- …` (the same commands as `partnerflow projections …`). */
runMain(() =>
  // Without arguments parseArgs reads the process's own, which also works under `node -e` (as the tests run it).
  projectionsCli().catch((e: unknown) => {
    throw isOperatorError(e) ? new InfraError((e as Error).message) : e;
  }),
);
