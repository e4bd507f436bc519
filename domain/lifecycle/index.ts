export { decide, type DecideResult } from './decide';
export { evolve, evolveAll } from './evolve';
export { scheduledCommands, nextScheduledCommand, type ScheduledCommand } from './schedule';
export { view, type PartnershipView, type OpenTaskView, type EscalationView } from './view';
export { initialState, stateSchema, isClosed, describeStage, type State, type Stage, type StateOf, type ActiveState, type ClosedState } from './state';
export { nextLadderStep, currentEscalation, type PlannedStep } from './escalation';
export { scoreScreening } from './screening';
export * from './ids';
