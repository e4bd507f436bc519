import type { CommandOf } from '../commands';
import { authorize } from '../decision-rights';
import { gateIdSchema, type GateId } from '../model';
import { nextPhase, startDueDiligencePhase } from './due-diligence';
import { gateTaskId } from './ids';
import { passLaunchGate, startLaunch } from './launch';
import { accept, draft, reject, wrongStage, type Outcome } from './outcome';
import type { ActiveState } from './state';
import { cancelOpenTasks, isStrategicGate, openChecklistItems } from './tasks';

/** The gate a partnership faces next, or `null` once all are passed. */
export function currentGate(state: ActiveState): GateId | null {
  switch (state.stage) {
    case 'screening':
      return 'screening';
    case 'due_diligence':
      return `dd.${state.phase}`;
    case 'launch':
      return 'launch';
    default:
      return null;
  }
}

/** Decide a gate: reject ends the lifecycle; advance needs the gate's checklist done and starts what comes next. */
export function decideGate(cmd: CommandOf<'DecideGate'>, state: ActiveState): Outcome {
  const { gate, outcome, rationale } = cmd.data;
  const allowed = authorize(isStrategicGate(gate) ? 'decide_strategic_gate' : 'decide_operational_gate', cmd.metadata.actor, { subject: `the ${gate} gate` });
  if (!allowed.ok) return allowed;
  const expected = currentGate(state);
  if (expected !== gate) return wrongGate(gate, expected, state);

  const taskId = gateTaskId(gate);
  const screening = gate === 'screening';
  const decided = draft('GateDecided', {
    gate,
    taskId,
    outcome,
    rationale,
    composite: screening ? state.screening.composite : null,
    recommendation: screening ? state.screening.recommendation : null,
  });
  const now = cmd.metadata.now;
  if (outcome === 'reject') {
    return accept(
      decided,
      ...cancelOpenTasks(state, `the partnership was rejected at the ${gate} gate`, (t) => t.id !== taskId),
      draft('PartnershipRejected', { gate, rationale }),
    );
  }
  if (screening) {
    if (state.screening.composite === null) {
      return reject('gate_not_ready', 'the screening gate cannot advance without scores: at least one evaluator must score every criterion first');
    }
    return accept(decided, ...startDueDiligencePhase(state, 'preliminary', now));
  }
  const open = openChecklistItems(state, gate);
  if (open.length > 0) {
    return reject(
      'gate_not_ready',
      `the ${gate} gate cannot advance: ${open.length} checklist item(s) are still open (${open.map((t) => t.id).join(', ')}); complete them first, or reject at the gate`,
      { open: open.map((t) => t.id) },
    );
  }
  if (gate === 'launch') return passLaunchGate(cmd, state, decided);
  if (state.stage !== 'due_diligence') return wrongGate(gate, expected, state);
  const phase = nextPhase(state.phase);
  return accept(decided, ...(phase === null ? startLaunch(state, now) : startDueDiligencePhase(state, phase, now)));
}

function wrongGate(gate: GateId, expected: GateId | null, state: ActiveState): ReturnType<typeof reject> {
  const order = gateIdSchema.options;
  const what = gate === 'launch' ? 'launch' : `the ${gate} gate`;
  if (expected === null) return wrongStage(what, state, 'every gate has been passed');
  const from = order.indexOf(expected);
  const to = order.indexOf(gate);
  if (to < from) return wrongStage(what, state, 'that gate was already passed');
  const pending = order.slice(from, to).map((g) => `the ${g} gate`);
  return wrongStage(what, state, `pass ${pending.join(' and then ')} first`);
}
