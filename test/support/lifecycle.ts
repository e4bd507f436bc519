import type { Actor } from '../../domain/roles';
import type { Policy } from '../../domain/policy';
import { defaultPolicy } from '../../domain/policy';
import type { LifecycleClient } from '../../services/lifecycle-client';
import type { LifecycleView } from '../../workflows/messages';

export const people = {
  ops: { id: 'pat.pmo', role: 'ops' } as Actor,
  exec: { id: 'erin.sponsor', role: 'exec' } as Actor,
  legal: { id: 'lee.legal', role: 'legal' } as Actor,
  owner: { id: 'olga.owner', role: 'owner' } as Actor,
  viewer: { id: 'vic.viewer', role: 'viewer' } as Actor,
};

type Registered = Extract<LifecycleView, { partnershipId: string }>;

export function registered(v: LifecycleView): Registered {
  if (v.stage === 'unregistered') throw new Error('expected a registered partnership');
  return v;
}

export function registrationData(partnershipId: string, policy: Policy = defaultPolicy) {
  return {
    partnershipId,
    name: `Partnership ${partnershipId}`,
    partner: 'Acme Cloud Ltd',
    kind: 'alliance',
    structure: 'contractual',
    owner: people.owner.id,
    pmoLead: people.ops.id,
    executiveSponsor: people.exec.id,
    policy,
  };
}

/** What a client POSTs to register a partnership (the API picks the id and pins the service's policy). */
export function registrationBody(name: string) {
  const { partnershipId: _id, policy: _policy, ...body } = registrationData(name);
  return { ...body, name: `Partnership ${name}` };
}

/** Completes every open checklist item: legal items by legal, the rest by their owner. */
export async function completeChecklist(lc: LifecycleClient, id: string): Promise<void> {
  const state = registered(await lc.state(id));
  for (const task of state.openTasks.filter((t) => t.kind === 'checklist')) {
    const actor: Actor = task.legal ? people.legal : { id: task.owner, role: 'owner' };
    await lc.command(id, 'CompleteTask', { taskId: task.id }, actor);
  }
}

export function flatScores(policy: Policy, score: number): Record<string, number> {
  return Object.fromEntries(policy.screening.criteria.map((c) => [c.id, score]));
}

export type Milestone = 'due_diligence' | 'dd.detailed' | 'dd.final' | 'launch' | 'optimization';

/** Drives a registered partnership forward to `target` through the real commands, as operators would. */
export async function driveTo(lc: LifecycleClient, id: string, target: Milestone, policy: Policy = defaultPolicy, contractYears = 1): Promise<Registered> {
  const steps: Array<[Milestone, () => Promise<unknown>]> = [
    [
      'due_diligence',
      async () => {
        await lc.command(id, 'SubmitScreeningScore', { evaluator: people.exec.id, scores: flatScores(policy, 4) }, people.exec);
        await lc.command(id, 'DecideGate', { gate: 'screening', outcome: 'advance', rationale: 'strong strategic fit' }, people.exec);
      },
    ],
    [
      'dd.detailed',
      async () => {
        await completeChecklist(lc, id);
        await lc.command(id, 'DecideGate', { gate: 'dd.preliminary', outcome: 'advance', rationale: 'nothing alarming' }, people.ops);
      },
    ],
    [
      'dd.final',
      async () => {
        await completeChecklist(lc, id);
        await lc.command(id, 'DecideGate', { gate: 'dd.detailed', outcome: 'advance', rationale: 'integration feasible' }, people.ops);
      },
    ],
    [
      'launch',
      async () => {
        await completeChecklist(lc, id);
        await lc.command(id, 'DecideGate', { gate: 'dd.final', outcome: 'advance', rationale: 'business case holds' }, people.exec);
      },
    ],
    [
      'optimization',
      async () => {
        await completeChecklist(lc, id);
        const now = registered(await lc.state(id)).updatedAt;
        const end = new Date(Date.parse(now));
        end.setUTCFullYear(end.getUTCFullYear() + contractYears);
        await lc.command(
          id,
          'DecideGate',
          {
            gate: 'launch',
            outcome: 'advance',
            rationale: 'all launch items done',
            contract: { start: now, end: end.toISOString(), autoRenew: false },
            kpis: [{ id: 'revenue-generated', name: 'Revenue generated', family: 'financial', target: 800000, unit: 'EUR' }],
          },
          people.ops,
        );
      },
    ],
  ];
  for (const [milestone, step] of steps) {
    await step();
    if (milestone === target) break;
  }
  return registered(await lc.state(id));
}
