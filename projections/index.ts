import { probeProjection } from './probe';
import { ProjectionError } from './runner/errors';
import type { Projection } from './runner/projection';
import { timelineProjection } from './timeline';

/**
 * Every read model the projector keeps and `rebuild` can rebuild. The summary, portfolio, cycle-time, work-board,
 * calendar, KPI-scorecard, risk-register and inbox models join this list once the lifecycle's event schemas land.
 */
export const READ_MODELS: readonly Projection[] = [timelineProjection, probeProjection];

/** The read model with this name, or an error listing the ones there are. */
export function readModel(name: string): Projection {
  const found = READ_MODELS.find((m) => m.name === name);
  if (found === undefined) throw new ProjectionError(`no read model "${name}"; there are: ${READ_MODELS.map((m) => m.name).join(', ')}`);
  return found;
}
