import type { CommandOf } from '../commands';
import { authorize } from '../decision-rights';
import { addDuration, subtractDuration } from '../duration';
import type { Contract } from '../model';
import { compareTimes, earlierOf, isBefore } from '../time';
import { noticeEvents } from './exit';
import { renewalTaskId } from './ids';
import { accept, draft, reject, wrongStage, type Outcome } from './outcome';
import { toContract } from './registration';
import type { ActiveState, RegisteredBase } from './state';
import { openTask } from './tasks';

/** The renewal window of a term opens the policy's lead time before the term ends. */
export function renewalWindowOpensAt(state: RegisteredBase, contract: Contract): string {
  return subtractDuration(contract.end, state.policy.renewal.leadTime);
}

/** The next term after `contract`: starts where it ends and runs for `term`, else the contract's renewal term, else the policy's. */
export function nextTerm(state: RegisteredBase, contract: Contract, term?: string): Contract {
  return { ...contract, start: contract.end, end: addDuration(contract.end, term ?? contract.renewalTerm ?? state.policy.renewal.autoRenewTerm) };
}

/** System: open the renewal window; the decision is a task for the executive sponsor. */
export function openRenewalWindow(cmd: CommandOf<'OpenRenewalWindow'>, state: ActiveState): Outcome {
  const allowed = authorize('run_schedule', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  const { termEnd } = cmd.data;
  const contract = state.contract;
  if (state.stage !== 'optimization' || contract === null || compareTimes(contract.end, termEnd) !== 0) {
    return reject('stale_command', `no renewal window to open for the term ending ${termEnd}: the partnership is in ${state.stage}`, { termEnd });
  }
  const at = renewalWindowOpensAt(state, contract);
  if (isBefore(cmd.metadata.now, at)) {
    return reject('not_due_yet', `the renewal window opens at ${at}, not yet (now is ${cmd.metadata.now})`, { termEnd });
  }
  const taskId = renewalTaskId(termEnd);
  return accept(
    draft('RenewalWindowOpened', { termEnd, taskId }),
    openTask({
      id: taskId,
      kind: 'renewal_decision',
      title: `Renewal decision for the term ending ${termEnd}: renew, renegotiate or exit`,
      owner: state.profile.executiveSponsor,
      legal: false,
      dueAt: earlierOf(addDuration(at, state.policy.renewal.decisionWithin), termEnd),
      reminderLead: state.policy.escalation.reminderLead,
    }),
  );
}

/** The renewal decision (executive): renew or renegotiate starts a new term and returns to optimization; exit serves notice. */
export function decideRenewal(cmd: CommandOf<'DecideRenewal'>, state: ActiveState): Outcome {
  const allowed = authorize('decide_renewal', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  if (state.stage !== 'renewal' || state.contract === null) {
    const hint =
      state.stage === 'optimization' && state.contract !== null
        ? `the renewal window opens at ${renewalWindowOpensAt(state, state.contract)}; to end the partnership before then, serve notice`
        : 'renewal is decided in the renewal window, before the contract ends';
    return wrongStage('a renewal decision', state, hint);
  }
  const { decision, rationale } = cmd.data;
  const contract = state.contract;
  const now = cmd.metadata.now;
  const decided = draft('RenewalDecided', { taskId: state.renewal.taskId, decision, rationale });
  switch (decision) {
    case 'renew':
      return accept(decided, draft('ContractRenewed', { how: 'renewed', contract: nextTerm(state, contract, cmd.data.term), previousEnd: contract.end }));
    case 'renegotiate': {
      // The schema guarantees a contract for a renegotiation.
      const next = toContract(cmd.data.contract ?? contract, contract.noticePeriod);
      if (!isBefore(now, next.end))
        return reject('invalid_command', `the renegotiated contract ends at ${next.end}, which is not after now (${now}); give a later end`);
      return accept(decided, draft('ContractRenewed', { how: 'renegotiated', contract: next, previousEnd: contract.end }));
    }
    case 'exit':
      return accept(decided, ...noticeEvents(state, now, rationale, cmd.data.noticePeriod ?? contract.noticePeriod, state.renewal.taskId));
  }
}

/** System: at the end of a term with no decision taken, a contract that renews itself does so. */
export function applyAutoRenew(cmd: CommandOf<'ApplyAutoRenew'>, state: ActiveState): Outcome {
  const allowed = authorize('run_schedule', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  const { termEnd } = cmd.data;
  const contract = state.contract;
  if (state.stage !== 'renewal' || contract === null || compareTimes(contract.end, termEnd) !== 0) {
    return reject('stale_command', `nothing to renew automatically for the term ending ${termEnd}: a decision was taken or the term changed`, { termEnd });
  }
  if (!contract.autoRenew)
    return reject('stale_command', `the contract ending ${termEnd} does not renew automatically; the renewal decision is pending`, { termEnd });
  if (isBefore(cmd.metadata.now, termEnd)) {
    return reject('not_due_yet', `the term ends at ${termEnd}, not yet (now is ${cmd.metadata.now})`, { termEnd });
  }
  return accept(
    draft('TaskCancelled', { taskId: state.renewal.taskId, reason: 'the contract renewed automatically at the end of its term' }),
    draft('ContractRenewed', { how: 'auto_renewed', contract: nextTerm(state, contract), previousEnd: contract.end }),
  );
}
