import type { CommandOf } from '../commands';
import { authorize } from '../decision-rights';
import { addDuration } from '../duration';
import type { Contract, ContractInput } from '../model';
import { defaultPolicy } from '../policy/default-policy';
import { resolvePolicy } from '../policy/resolve';
import { gateTaskId } from './ids';
import { accept, draft, type Outcome } from './outcome';

/** Registers a partnership: resolves the policy for its kind and modifiers, pins it, and opens the screening gate. */
export function registerPartnership(cmd: CommandOf<'RegisterPartnership'>): Outcome {
  const allowed = authorize('register_partnership', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  const { data } = cmd;
  const policy = resolvePolicy(data.policy ?? defaultPolicy, { kind: data.kind, modifiers: data.modifiers });
  const contract = data.contract === undefined ? null : toContract(data.contract, policy.contract.noticePeriod);
  const now = cmd.metadata.now;
  const screeningGateDue = addDuration(addDuration(now, policy.screening.evaluationWindow), policy.screening.gateDecisionWithin);
  return accept(
    draft('PartnershipRegistered', {
      partnershipId: data.partnershipId,
      name: data.name,
      partner: data.partner,
      kind: data.kind,
      structure: data.structure,
      modifiers: policy.modifiers,
      attributes: data.attributes,
      owner: data.owner,
      pmoLead: data.pmoLead,
      executiveSponsor: data.executiveSponsor,
      steeringCommittee: data.steeringCommittee,
      contract,
      policy,
    }),
    draft('TaskOpened', {
      task: {
        id: gateTaskId('screening'),
        kind: 'gate',
        title: 'Screening gate: advance to due diligence or reject',
        owner: data.executiveSponsor,
        legal: false,
        dueAt: screeningGateDue,
        reminderLead: policy.escalation.reminderLead,
        gate: 'screening',
      },
    }),
  );
}

/** A contract as entered, with the policy's notice period where none was given. */
export function toContract(input: ContractInput, defaultNoticePeriod: string): Contract {
  return {
    start: input.start,
    end: input.end,
    noticePeriod: input.noticePeriod ?? defaultNoticePeriod,
    autoRenew: input.autoRenew,
    ...(input.renewalTerm === undefined ? {} : { renewalTerm: input.renewalTerm }),
  };
}
