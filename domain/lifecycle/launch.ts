import type { CommandOf } from '../commands';
import type { EventDraft } from '../events';
import { accept, draft, reject, type Outcome } from './outcome';
import { toContract } from './registration';
import type { RegisteredBase } from './state';
import { dueAfter, openChecklist, openGate } from './tasks';

/** Starts the launch: its checklist is due at the end of the launch period, the launch gate after that. */
export function startLaunch(state: RegisteredBase, now: string): EventDraft[] {
  const { launch } = state.policy;
  const endsAt = dueAfter(now, launch.duration);
  return [
    draft('LaunchStarted', { endsAt }),
    ...openChecklist(state, 'launch', launch.items, endsAt),
    openGate(state, 'launch', 'Launch gate: record the contract and KPIs and go live', dueAfter(endsAt, launch.gateDecisionWithin)),
  ];
}

/** Passing the launch gate records the contract (given now, or at registration) and the KPIs, and starts optimization. */
export function passLaunchGate(cmd: CommandOf<'DecideGate'>, state: RegisteredBase, decided: EventDraft): Outcome {
  const input = cmd.data.contract;
  const contract = input === undefined ? state.profile.contract : toContract(input, state.policy.contract.noticePeriod);
  if (contract === null) {
    return reject('contract_required', 'the launch gate records the contract: give its start, end, notice period and whether it renews automatically');
  }
  const kpis = cmd.data.kpis ?? [];
  if (kpis.length === 0) {
    return reject('gate_not_ready', 'the launch gate records the success metrics: define at least one KPI with its target');
  }
  const ids = kpis.map((k) => k.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) return reject('gate_not_ready', `KPI ${duplicate} is defined twice; give each KPI its own id`);
  return accept(decided, draft('OptimizationStarted', { contract, kpis }));
}
