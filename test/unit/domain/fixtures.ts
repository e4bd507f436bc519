import { compressedPolicy } from '../../../domain/policy/compressed-policy';
import {
  addDuration,
  decide,
  eventSchema,
  evolveAll,
  initialState,
  nextScheduledCommand,
  toMs,
  type Actor,
  type CommandInput,
  type DomainError,
  type Event,
  type State,
  type StateOf,
} from '../../../domain';

/** Monday 4 January 2027, 09:00 UTC: the start of every scenario. */
export const T0 = '2027-01-04T09:00:00.000Z';

export const ops: Actor = { id: 'pat.pmo', role: 'ops' };
export const exec: Actor = { id: 'erin.sponsor', role: 'exec' };
export const legal: Actor = { id: 'lee.legal', role: 'legal' };
export const owner: Actor = { id: 'olga.owner', role: 'owner' };
export const otherOwner: Actor = { id: 'omar.owner', role: 'owner' };
export const viewer: Actor = { id: 'vic.viewer', role: 'viewer' };
export const admin: Actor = { id: 'ada.admin', role: 'admin' };
export const system: Actor = { id: 'partnerflow', role: 'system' };

export const PARTNERSHIP_ID = 'acme-cloud';

/** Every figure in minutes or hours instead of weeks and months (domain/policy/compressed-policy.ts). */
export { compressedPolicy };

/** `iso + duration`. */
export function at(iso: string, duration: string): string {
  return addDuration(iso, duration);
}

/** A command as a caller writes it. */
export function command<T extends CommandInput['type']>(type: T, data: Extract<CommandInput, { type: T }>['data'], actor: Actor, now: string): CommandInput {
  return { type, data, metadata: { actor, now } } as CommandInput;
}

type RegistrationData = Extract<CommandInput, { type: 'RegisterPartnership' }>['data'];

/** The registration data every scenario starts from. */
export function registrationData(data: Partial<RegistrationData> = {}): RegistrationData {
  return {
    partnershipId: PARTNERSHIP_ID,
    name: 'Acme Cloud data partnership',
    partner: 'Acme Cloud Ltd',
    kind: 'alliance',
    structure: 'contractual',
    owner: owner.id,
    pmoLead: ops.id,
    executiveSponsor: exec.id,
    policy: compressedPolicy,
    ...data,
  };
}

/** The registration every scenario starts from, by ops. */
export function registration(now: string = T0, data: Partial<RegistrationData> = {}): CommandInput {
  return command('RegisterPartnership', registrationData(data), ops, now);
}

/** Every event the decider emits must pass the event schema, as a consumer would check it. */
export function checked(events: Event[]): Event[] {
  for (const e of events) eventSchema.parse(e);
  return events;
}

/** When `cmd` is decided on `state`, then it is accepted: returns the events and the state after them. */
export function accepted(state: State, cmd: CommandInput): { events: Event[]; state: State } {
  const result = decide(cmd, state);
  if (!result.ok) throw new Error(`expected ${cmd.type} to be accepted, got ${result.error.code}: ${result.error.message}`);
  return { events: checked(result.events), state: evolveAll(state, result.events) };
}

/** When `cmd` is decided on `state`, then it is refused: returns the error. */
export function refused(state: State, cmd: CommandInput): DomainError {
  const result = decide(cmd, state);
  if (result.ok) throw new Error(`expected ${cmd.type} to be refused, got ${result.events.map((e) => e.type).join(', ')}`);
  return result.error;
}

/** Applies commands in order, each accepted; returns all events and the final state. */
export function given(...commands: CommandInput[]): { events: Event[]; state: State } {
  return commands.reduce<{ events: Event[]; state: State }>(
    (acc, cmd) => {
      const next = accepted(acc.state, cmd);
      return { events: [...acc.events, ...next.events], state: next.state };
    },
    { events: [], state: initialState },
  );
}

/** Applies one more command to a scenario. */
export function then(scenario: { events: Event[]; state: State }, cmd: CommandInput): { events: Event[]; state: State } {
  const next = accepted(scenario.state, cmd);
  return { events: [...scenario.events, ...next.events], state: next.state };
}

/**
 * The workflow loop, in miniature: while the earliest scheduled command is due by `until`, decide it with the system
 * actor at its time (or the last change, if later), and apply it. Returns what fired.
 */
export function runClock(scenario: { events: Event[]; state: State }, until: string): { events: Event[]; state: State; fired: Event[] } {
  let { state } = scenario;
  const fired: Event[] = [];
  for (let guard = 0; guard < 10_000; guard += 1) {
    const next = nextScheduledCommand(state);
    if (next === null || toMs(next.at) > toMs(until)) return { events: [...scenario.events, ...fired], state, fired };
    const now = state.stage === 'unregistered' || toMs(state.updatedAt) < toMs(next.at) ? next.at : state.updatedAt;
    const result = accepted(state, { ...next.command, metadata: { ...next.command.metadata, now } });
    fired.push(...result.events);
    state = result.state;
  }
  throw new Error('the schedule did not settle');
}

/** Narrows a state to a stage, failing the test otherwise. */
export function inStage<S extends State['stage']>(state: State, stage: S): StateOf<S> {
  if (state.stage !== stage) throw new Error(`expected stage ${stage}, got ${state.stage}`);
  return state as StateOf<S>;
}

/** All five criteria scored the same. */
export function flatScores(score: number): Record<string, number> {
  return { 'strategic-fit': score, 'market-impact': score, 'technical-compatibility': score, 'financial-value': score, risk: score };
}

/** Scenario: registered at T0 under the compressed policy. */
export function registered(data: Parameters<typeof registration>[1] = {}): { events: Event[]; state: State } {
  return given(registration(T0, data));
}

/** Scenario: screened and advanced into due diligence (phase preliminary) at T0 + 2 minutes. */
export function inDueDiligence(data: Parameters<typeof registration>[1] = {}): { events: Event[]; state: State } {
  let s = registered(data);
  s = then(s, command('SubmitScreeningScore', { evaluator: exec.id, scores: flatScores(4) }, exec, at(T0, 'PT1M')));
  return then(s, command('DecideGate', { gate: 'screening', outcome: 'advance', rationale: 'strong fit' }, exec, at(T0, 'PT2M')));
}

/** Completes every open checklist item of `scope` (legal items by legal, the rest by their owner) at `now`. */
export function completeChecklist(scenario: { events: Event[]; state: State }, scope: string, now: string): { events: Event[]; state: State } {
  const s0 = scenario.state;
  if (s0.stage === 'unregistered') throw new Error('not registered');
  const items = Object.values(s0.tasks).filter((t) => t.kind === 'checklist' && t.scope === scope && t.status === 'open');
  return items.reduce((s, t) => then(s, command('CompleteTask', { taskId: t.id }, t.legal ? legal : { id: t.owner, role: 'owner' }, now)), scenario);
}

/** Scenario: through all three due-diligence gates into launch, at T0 + 10 minutes. */
export function inLaunch(data: Parameters<typeof registration>[1] = {}): { events: Event[]; state: State } {
  let s = inDueDiligence(data);
  const t = at(T0, 'PT3M');
  s = completeChecklist(s, 'dd.preliminary', t);
  s = then(s, command('DecideGate', { gate: 'dd.preliminary', outcome: 'advance', rationale: 'no red flags' }, ops, t));
  s = completeChecklist(s, 'dd.detailed', at(T0, 'PT5M'));
  s = then(s, command('DecideGate', { gate: 'dd.detailed', outcome: 'advance', rationale: 'feasible' }, ops, at(T0, 'PT5M')));
  s = completeChecklist(s, 'dd.final', at(T0, 'PT8M'));
  return then(s, command('DecideGate', { gate: 'dd.final', outcome: 'advance', rationale: 'terms agreed' }, exec, at(T0, 'PT10M')));
}

/** The contract of the launch gate in the scenarios: starts at launch, runs 8 hours (compressed), renews itself. */
export function contractFrom(start: string, autoRenew = true) {
  return { start, end: at(start, 'PT8H'), autoRenew };
}

export const KPIS = [
  { id: 'joint-revenue', name: 'Joint revenue', family: 'financial' as const, target: 1_000_000, unit: 'EUR' },
  { id: 'integration-uptime', name: 'Integration uptime', family: 'operational' as const, target: 99.9, unit: '%' },
];

/** Scenario: launched and in optimization at T0 + 20 minutes, contract starting then. */
export function inOptimization(opts: { autoRenew?: boolean } = {}, data: Parameters<typeof registration>[1] = {}): { events: Event[]; state: State } {
  let s = inLaunch(data);
  const t = at(T0, 'PT20M');
  s = completeChecklist(s, 'launch', t);
  return then(
    s,
    command('DecideGate', { gate: 'launch', outcome: 'advance', rationale: 'ready', contract: contractFrom(t, opts.autoRenew ?? true), kpis: KPIS }, ops, t),
  );
}
