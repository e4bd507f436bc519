import type { DomainError } from '../errors';
import { PARTNERSHIP_CAPS } from '../limits';
import { reject } from './outcome';
import type { RegisteredBase } from './state';

// KPIs are all defined at once, at the launch gate: the DecideGate schema holds them to their cap.
type Capped = Exclude<keyof typeof PARTNERSHIP_CAPS, 'kpis'>;

const WHAT: Record<Capped, { noun: string; hint: string }> = {
  risks: { noun: 'risks in its register', hint: 'update or close the risks it holds instead of adding more' },
  findings: { noun: 'due-diligence findings', hint: 'record further findings as updates of the risks they raised' },
  openIssues: { noun: 'open issues', hint: 'resolve some of them before raising more' },
};

/** How many of each capped collection a partnership holds now. */
function held(state: RegisteredBase, what: Capped): number {
  switch (what) {
    case 'risks':
      return Object.keys(state.risks).length;
    case 'findings':
      return state.counters.findings;
    case 'openIssues':
      return Object.values(state.tasks).filter((t) => t.kind === 'issue' && t.status === 'open').length;
  }
}

/**
 * A `limit_reached` refusal when adding `adding` more to `what` would exceed its cap (PARTNERSHIP_CAPS), naming what is
 * full; `undefined` when there is room. Checked before anything is recorded, so a refusal changes nothing.
 */
export function overCap(state: RegisteredBase, what: Capped, adding = 1): { ok: false; error: DomainError } | undefined {
  const cap = PARTNERSHIP_CAPS[what];
  const count = held(state, what);
  if (count + adding <= cap) return undefined;
  const { noun, hint } = WHAT[what];
  return reject('limit_reached', `partnership ${state.partnershipId} is full: it holds ${count} ${noun}, and a partnership holds at most ${cap}; ${hint}`, {
    limit: what,
    cap,
    count,
  });
}
