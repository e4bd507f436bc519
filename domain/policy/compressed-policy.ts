import { defaultPolicy } from './default-policy';
import { parsePolicy, policyBodyOf, type Policy } from './schema';

function must(r: ReturnType<typeof parsePolicy>): Policy {
  if (!r.ok) throw new Error(r.message);
  return r.policy;
}

/**
 * The default policy with every figure in minutes or hours instead of weeks and months, so a whole lifecycle fits in a
 * few simulated hours: for tests, benchmarks and trying partnerflow out.
 */
export const compressedPolicy: Policy = must(
  parsePolicy({
    ...policyBodyOf(defaultPolicy),
    version: 'compressed@1',
    // Cross-border and friends scale the compressed durations just as they scale the real ones.
    modifiers: defaultPolicy.modifiers,
    screening: { ...defaultPolicy.screening, evaluationWindow: 'PT10M', gateDecisionWithin: 'PT5M' },
    dueDiligence: {
      phases: {
        preliminary: { ...defaultPolicy.dueDiligence.phases.preliminary, duration: 'PT10M', gateDecisionWithin: 'PT5M' },
        detailed: { ...defaultPolicy.dueDiligence.phases.detailed, duration: 'PT20M', gateDecisionWithin: 'PT5M' },
        final: { ...defaultPolicy.dueDiligence.phases.final, duration: 'PT10M', gateDecisionWithin: 'PT5M' },
      },
    },
    launch: { ...defaultPolicy.launch, duration: 'PT30M', gateDecisionWithin: 'PT5M' },
    reviews: {
      monthly: { ...defaultPolicy.reviews.monthly, every: 'PT30M', reminderLead: 'PT5M', completionWindow: 'PT10M' },
      quarterly: { ...defaultPolicy.reviews.quarterly, every: 'PT90M', reminderLead: 'PT10M', completionWindow: 'PT20M' },
      annual: { ...defaultPolicy.reviews.annual, every: 'PT6H', reminderLead: 'PT30M', completionWindow: 'PT1H' },
    },
    escalation: {
      reminderLead: 'PT2M',
      ladder: {
        overdue: { addressee: 'owner', responseTime: 'PT1M' },
        L1: { addressee: 'pmo_lead', responseTime: 'PT2M' },
        L2: { addressee: 'executive_sponsor', responseTime: 'PT3M' },
        L3: { addressee: 'steering_committee', responseTime: 'PT5M' },
      },
    },
    issues: { resolveWithin: { low: 'PT60M', medium: 'PT30M', high: 'PT10M', critical: 'PT5M' } },
    renewal: { leadTime: 'PT2H', decisionWithin: 'PT1H', autoRenewTerm: 'PT12H' },
    contract: { noticePeriod: 'PT2H' },
  }),
);
