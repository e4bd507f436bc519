import { policySchema, type Policy, type PolicyInput } from './schema';

/**
 * Where DOMAIN.md gives a range, due dates take the end that gives people the most time: these durations drive
 * reminders and escalations, and an escalation that fires on a plan running normally teaches people to ignore the ladder.
 * Figures DOMAIN.md does not give (gate decision times, ladder response times, issue resolution times, review windows)
 * are marked "chosen".
 */
const DEFAULT_POLICY_INPUT: PolicyInput = {
  version: 'default@1',
  screening: {
    criteria: [
      { id: 'strategic-fit', title: 'Strategic fit', weight: 0.3, covers: 'vision alignment, capability complementarity, market synergy' },
      { id: 'market-impact', title: 'Market impact', weight: 0.25, covers: 'market access, customer reach, competitive advantage' },
      { id: 'technical-compatibility', title: 'Technical compatibility', weight: 0.2, covers: 'integration, data compatibility, system alignment' },
      { id: 'financial-value', title: 'Financial value', weight: 0.15, covers: 'revenue potential, cost savings, investment required' },
      { id: 'risk', title: 'Risk', weight: 0.1, covers: 'partnership risk, execution complexity, dependency (5 = lowest risk)' },
    ],
    thresholds: { advance: 3.5, reject: 2.5 },
    // Chosen: DOMAIN gives 2–4 months for strategy & selection as a whole, most of which due diligence fills.
    evaluationWindow: 'P4W',
    gateDecisionWithin: 'P1W',
  },
  dueDiligence: {
    phases: {
      // DOMAIN: 2–4 weeks.
      preliminary: {
        title: 'Preliminary assessment',
        duration: 'P4W',
        items: [
          { id: 'public-information', title: 'Public information & market research' },
          { id: 'financial-performance', title: 'Financial performance & stability' },
          { id: 'technology-overview', title: 'Technology & capability overview' },
          { id: 'strategic-fit', title: 'Initial strategic fit' },
        ],
        gateDecisionWithin: 'P1W',
      },
      // DOMAIN: 4–8 weeks.
      detailed: {
        title: 'Detailed evaluation',
        duration: 'P8W',
        items: [
          { id: 'management-and-culture', title: 'Management meetings & cultural assessment' },
          { id: 'technical-deep-dive', title: 'Technical deep-dive & integration feasibility' },
          { id: 'customer-references', title: 'Customer references & market validation' },
          { id: 'legal-compliance', title: 'Legal & regulatory compliance review', legal: true },
        ],
        gateDecisionWithin: 'P1W',
      },
      // DOMAIN: 2–4 weeks. Its gate is strategic, so executives get two weeks (chosen).
      final: {
        title: 'Final assessment',
        duration: 'P4W',
        items: [
          { id: 'executive-alignment', title: 'Executive alignment' },
          { id: 'business-case', title: 'Financial model & business case' },
          { id: 'risk-mitigation', title: 'Risk assessment & mitigation plan' },
          { id: 'structure-and-terms', title: 'Partnership structure & terms' },
        ],
        gateDecisionWithin: 'P2W',
      },
    },
  },
  launch: {
    // DOMAIN: implementation phase 1, months 1–3.
    duration: 'P3M',
    items: [
      { id: 'legal-documents', title: 'Legal documentation signed', legal: true },
      { id: 'technical-integration', title: 'Technical integration established' },
      { id: 'team-and-roles', title: 'Cross-functional team and roles defined' },
      { id: 'communication-plan', title: 'Communication plan' },
      { id: 'kpi-definitions', title: 'Success metrics (KPIs with targets) defined' },
    ],
    gateDecisionWithin: 'P2W',
  },
  reviews: {
    // Cadences from DOMAIN; reminder leads and completion windows chosen to scale with the review's weight.
    monthly: {
      title: 'Monthly operational review',
      every: 'P1M',
      reminderLead: 'P3D',
      completionWindow: 'P1W',
      covers: ['dashboard', 'issues', 'corrective actions', 'resource adjustment'],
    },
    quarterly: {
      title: 'Quarterly strategic review',
      every: 'P3M',
      reminderLead: 'P1W',
      completionWindow: 'P2W',
      covers: ['strategic alignment', 'performance trends', 'improvement plan', 'relationship assessment'],
    },
    annual: {
      title: 'Annual partnership assessment',
      every: 'P1Y',
      reminderLead: 'P2W',
      completionWindow: 'P1M',
      covers: ['full evaluation', 'contract review', 'renew/expand/terminate recommendation', 'lessons learned'],
    },
  },
  escalation: {
    // Chosen. Each response time is how long that level has before the next one hears of it; the owner gets one day
    // past due before the PMO lead is told, and every level above gets a little longer because it has more to juggle.
    reminderLead: 'P3D',
    ladder: {
      overdue: { addressee: 'owner', responseTime: 'P1D' },
      L1: { addressee: 'pmo_lead', responseTime: 'P2D' },
      L2: { addressee: 'executive_sponsor', responseTime: 'P3D' },
      L3: { addressee: 'steering_committee', responseTime: 'P5D' },
    },
  },
  issues: {
    // Chosen: the time an issue may stay open before it is overdue and climbs the ladder.
    resolveWithin: { low: 'P30D', medium: 'P14D', high: 'P5D', critical: 'P1D' },
  },
  renewal: {
    // DOMAIN: the renewal review opens 6 months before expiry. Chosen: the decision is due halfway there, and an
    // automatic renewal (where the contract allows one) runs for a year.
    leadTime: 'P6M',
    decisionWithin: 'P3M',
    autoRenewTerm: 'P1Y',
  },
  // DOMAIN: e.g. six months' notice.
  contract: { noticePeriod: 'P6M' },
  exit: {
    windDown: [
      { id: 'data-returned-or-deleted', title: 'Shared data returned or deleted securely', legal: true },
      { id: 'asset-division', title: 'Asset division' },
      { id: 'customer-transition', title: 'Customer transition' },
      { id: 'post-termination-support', title: 'Post-termination support' },
      { id: 'lessons-learned', title: 'Knowledge retention / lessons learned' },
    ],
  },
  kinds: {
    // Chosen, not from DOMAIN: the criterion that defines the kind leads the matrix. Lists replace, so all five are given.
    technology: {
      screening: {
        criteria: [
          { id: 'strategic-fit', title: 'Strategic fit', weight: 0.25 },
          { id: 'market-impact', title: 'Market impact', weight: 0.2 },
          { id: 'technical-compatibility', title: 'Technical compatibility', weight: 0.3 },
          { id: 'financial-value', title: 'Financial value', weight: 0.15 },
          { id: 'risk', title: 'Risk', weight: 0.1 },
        ],
      },
    },
    business_development: {
      screening: {
        criteria: [
          { id: 'strategic-fit', title: 'Strategic fit', weight: 0.3 },
          { id: 'market-impact', title: 'Market impact', weight: 0.35 },
          { id: 'technical-compatibility', title: 'Technical compatibility', weight: 0.1 },
          { id: 'financial-value', title: 'Financial value', weight: 0.15 },
          { id: 'risk', title: 'Risk', weight: 0.1 },
        ],
      },
    },
    // DOMAIN measures joint ventures "over an alliance": the alliance is the baseline the defaults describe.
    alliance: {},
  },
  modifiers: {
    cross_border: { factor: 1.5, appliesTo: ['screening', 'dd.preliminary', 'dd.detailed', 'dd.final', 'launch'], why: 'DOMAIN: +30–50%' },
    regulated: { add: 'P6M', appliesTo: ['dd.final'], why: 'DOMAIN: +3–6 months on negotiation, which is the final phase (structure & terms)' },
    joint_venture: { factor: 1.5, appliesTo: ['screening', 'dd.preliminary', 'dd.detailed', 'dd.final', 'launch'], why: 'DOMAIN: +50% over an alliance' },
    pre_existing_relationship: {
      factor: 0.75,
      appliesTo: ['screening', 'dd.preliminary', 'dd.detailed'],
      why: 'DOMAIN: −25–40% on selection and design; the smaller cut',
    },
    high_complexity: { factor: 2, appliesTo: ['dd.detailed', 'dd.final', 'launch'], why: 'DOMAIN: +50–100% on design and implementation' },
  },
};

/** The default policy, built from DOMAIN.md; used when no policy file is configured. */
export const defaultPolicy: Policy = policySchema.parse(DEFAULT_POLICY_INPUT);
