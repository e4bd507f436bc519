import path from 'node:path';
import { calendarProjection } from './calendar/read-model';
import { cycleTimesProjection } from './cycle-times/read-model';
import { inboxProjection } from './inbox/read-model';
import { kpiScorecardProjection } from './kpi-scorecard/read-model';
import { portfolioProjection } from './portfolio/read-model';
import { probeProjection } from './probe/read-model';
import { riskRegisterProjection } from './risk-register/read-model';
import { ProjectionError } from './runner/errors';
import type { Projection } from './runner/projection';
import type { ReadModelRegistry } from './runner/rebuild';
import { summaryProjection } from './summary/read-model';
import { timelineProjection } from './timeline/read-model';
import { workBoardProjection } from './work-board/read-model';

/** Every read model the projector keeps and `rebuild` can rebuild. */
export const READ_MODELS: readonly Projection[] = [
  timelineProjection,
  summaryProjection,
  portfolioProjection,
  cycleTimesProjection,
  workBoardProjection,
  inboxProjection,
  calendarProjection,
  kpiScorecardProjection,
  riskRegisterProjection,
  probeProjection,
];

/** The read models handed to the runner, with the entry of a rebuild's replaying thread (which registers the same). */
export const READ_MODEL_REGISTRY: ReadModelRegistry = { models: READ_MODELS, threadEntry: path.join(__dirname, 'rebuild-thread') };

/** The read model with this name, or an error listing the ones there are. */
export function readModel(name: string): Projection {
  const found = READ_MODELS.find((m) => m.name === name);
  if (found === undefined) throw new ProjectionError(`no read model "${name}"; there are: ${READ_MODELS.map((m) => m.name).join(', ')}`);
  return found;
}
