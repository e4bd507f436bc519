import type { CommandOf } from '../commands';
import { authorize } from '../decision-rights';
import { overCap } from './caps';
import { riskId } from './ids';
import { accept, draft, reject, type Outcome } from './outcome';
import type { ActiveState } from './state';
import { hasEntry } from '../records';

/** Add a risk to the register, at any stage. */
export function addRisk(cmd: CommandOf<'AddRisk'>, state: ActiveState): Outcome {
  const allowed = authorize('manage_risks', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  const full = overCap(state, 'risks');
  if (full !== undefined) return full;
  const now = cmd.metadata.now;
  return accept(
    draft('RiskAdded', {
      risk: { id: riskId(state.counters.risks + 1), ...cmd.data, status: 'open', source: { kind: 'manual' }, raisedAt: now, updatedAt: now },
    }),
  );
}

/** Change a risk's rating, owner, mitigation or status. */
export function updateRisk(cmd: CommandOf<'UpdateRisk'>, state: ActiveState): Outcome {
  const allowed = authorize('manage_risks', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  const { riskId: id, note, ...rest } = cmd.data;
  if (!hasEntry(state.risks, id)) {
    const known = Object.keys(state.risks);
    return reject('unknown_risk', `there is no risk ${id}; the register holds ${known.length === 0 ? 'none' : known.join(', ')}`, { riskId: id });
  }
  const changes = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return accept(draft('RiskUpdated', { riskId: id, changes, ...(note === undefined ? {} : { note }) }));
}

/** Record a value for a KPI defined at the launch gate. */
export function recordKpi(cmd: CommandOf<'RecordKpi'>, state: ActiveState): Outcome {
  const allowed = authorize('record_kpi', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  const { kpiId, value, note } = cmd.data;
  if (!hasEntry(state.kpis, kpiId)) {
    const known = Object.keys(state.kpis);
    const hint = known.length === 0 ? 'no KPIs are defined yet: they are defined at the launch gate' : `the defined KPIs are ${known.join(', ')}`;
    return reject('unknown_kpi', `there is no KPI ${kpiId}; ${hint}`, { kpiId });
  }
  return accept(draft('KpiRecorded', { kpiId, value, ...(note === undefined ? {} : { note }) }));
}
