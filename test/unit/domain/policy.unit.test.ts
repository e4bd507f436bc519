import { defaultPolicy, parsePolicy, policyBodyOf, policySchema, resolvePolicy, type Policy } from '../../../domain';

const sum = (ws: number[]) => ws.reduce((a, b) => a + b, 0);

function withChange(change: (p: Record<string, unknown>) => void): unknown {
  const copy = JSON.parse(JSON.stringify(defaultPolicy)) as Record<string, unknown>;
  change(copy);
  return copy;
}

function refusalOf(input: unknown): string {
  const result = parsePolicy(input);
  if (result.ok) throw new Error('expected the policy to be refused');
  return result.message;
}

describe('the default policy (DOMAIN.md)', () => {
  it('is a valid policy with a version', () => {
    expect(policySchema.safeParse(defaultPolicy).success).toBe(true);
    expect(defaultPolicy.version).toBe('default@1');
  });

  it('weights the screening criteria 30/25/20/15/10, summing to 1', () => {
    expect(defaultPolicy.screening.criteria.map((c) => [c.id, c.weight])).toEqual([
      ['strategic-fit', 0.3],
      ['market-impact', 0.25],
      ['technical-compatibility', 0.2],
      ['financial-value', 0.15],
      ['risk', 0.1],
    ]);
    expect(sum(defaultPolicy.screening.criteria.map((c) => c.weight))).toBeCloseTo(1, 12);
  });

  it('advances at 3.5 and rejects below 2.5', () => {
    expect(defaultPolicy.screening.thresholds).toEqual({ advance: 3.5, reject: 2.5 });
  });

  it('plans due diligence at the upper bound of each range: 4, 8 and 4 weeks', () => {
    const { phases } = defaultPolicy.dueDiligence;
    expect([phases.preliminary.duration, phases.detailed.duration, phases.final.duration]).toEqual(['P4W', 'P8W', 'P4W']);
    expect(phases.detailed.items.find((i) => i.id === 'legal-compliance')?.legal).toBe(true);
    expect(phases.preliminary.items).toHaveLength(4);
    expect(phases.final.items.map((i) => i.id)).toEqual(['executive-alignment', 'business-case', 'risk-mitigation', 'structure-and-terms']);
  });

  it('has the launch checklist with legal documents as a legal item', () => {
    expect(defaultPolicy.launch.items.map((i) => [i.id, i.legal])).toEqual([
      ['legal-documents', true],
      ['technical-integration', false],
      ['team-and-roles', false],
      ['communication-plan', false],
      ['kpi-definitions', false],
    ]);
  });

  it('reviews monthly, quarterly and annually, each with a reminder lead and completion window', () => {
    const { reviews } = defaultPolicy;
    expect([reviews.monthly.every, reviews.quarterly.every, reviews.annual.every]).toEqual(['P1M', 'P3M', 'P1Y']);
    for (const r of Object.values(reviews)) {
      expect(r.reminderLead).toMatch(/^P/);
      expect(r.completionWindow).toMatch(/^P/);
    }
  });

  it('climbs owner → PMO lead → executive sponsor → steering committee', () => {
    const { ladder } = defaultPolicy.escalation;
    expect([ladder.overdue.addressee, ladder.L1.addressee, ladder.L2.addressee, ladder.L3.addressee]).toEqual([
      'owner',
      'pmo_lead',
      'executive_sponsor',
      'steering_committee',
    ]);
    expect([ladder.L1.responseTime, ladder.L2.responseTime, ladder.L3.responseTime]).toEqual(['P2D', 'P3D', 'P5D']);
  });

  it('opens renewal 6 months before expiry with a 6-month default notice period', () => {
    expect(defaultPolicy.renewal.leadTime).toBe('P6M');
    expect(defaultPolicy.contract.noticePeriod).toBe('P6M');
  });

  it('winds down with data handling as a legal item', () => {
    expect(defaultPolicy.exit.windDown.map((i) => [i.id, i.legal])).toEqual([
      ['data-returned-or-deleted', true],
      ['asset-division', false],
      ['customer-transition', false],
      ['post-termination-support', false],
      ['lessons-learned', false],
    ]);
  });

  it('has kind overrides whose weights also sum to 1', () => {
    for (const kind of ['technology', 'business_development', 'alliance'] as const) {
      const effective = resolvePolicy(defaultPolicy, { kind, modifiers: [] });
      expect(sum(effective.screening.criteria.map((c) => c.weight))).toBeCloseTo(1, 12);
    }
  });
});

describe('resolving a policy for a partnership', () => {
  it('pins the version, kind and modifiers', () => {
    const effective = resolvePolicy(defaultPolicy, { kind: 'alliance', modifiers: [] });
    expect(effective).toMatchObject({ version: 'default@1', kind: 'alliance', modifiers: [] });
    expect(effective.dueDiligence.phases.detailed.duration).toBe('P8W');
  });

  it('applies the kind override: technology leads with technical compatibility', () => {
    const effective = resolvePolicy(defaultPolicy, { kind: 'technology', modifiers: [] });
    expect(effective.screening.criteria.find((c) => c.id === 'technical-compatibility')?.weight).toBe(0.3);
    // Everything the override does not name is the base policy's.
    expect(effective.screening.thresholds).toEqual(defaultPolicy.screening.thresholds);
    expect(effective.launch).toEqual(defaultPolicy.launch);
  });

  it('merges an override field by field', () => {
    const policy = policySchema.parse({
      ...defaultPolicy,
      kinds: { alliance: { dueDiligence: { phases: { final: { duration: 'P6W' } } }, screening: { thresholds: { advance: 4 } } } },
    });
    const effective = resolvePolicy(policy, { kind: 'alliance', modifiers: [] });
    expect(effective.dueDiligence.phases.final.duration).toBe('P6W');
    expect(effective.dueDiligence.phases.final.items).toEqual(defaultPolicy.dueDiligence.phases.final.items);
    expect(effective.screening.thresholds).toEqual({ advance: 4, reject: 2.5 });
  });

  it('stretches every phase by half for a cross-border partnership', () => {
    const effective = resolvePolicy(defaultPolicy, { kind: 'alliance', modifiers: ['cross_border'] });
    expect(effective.screening.evaluationWindow).toBe('P42D');
    expect(effective.dueDiligence.phases.preliminary.duration).toBe('P42D');
    expect(effective.dueDiligence.phases.detailed.duration).toBe('P84D');
    expect(effective.launch.duration).toBe('P4M15D');
  });

  it('adds six months to the final (negotiation) phase when regulated', () => {
    const effective = resolvePolicy(defaultPolicy, { kind: 'alliance', modifiers: ['regulated'] });
    expect(effective.dueDiligence.phases.final.duration).toBe('P6M28D');
    expect(effective.dueDiligence.phases.detailed.duration).toBe('P8W');
  });

  it('shortens selection and design by a quarter for a pre-existing relationship, leaving launch alone', () => {
    const effective = resolvePolicy(defaultPolicy, { kind: 'alliance', modifiers: ['pre_existing_relationship'] });
    expect(effective.screening.evaluationWindow).toBe('P21D');
    expect(effective.dueDiligence.phases.detailed.duration).toBe('P42D');
    expect(effective.dueDiligence.phases.final.duration).toBe('P4W');
    expect(effective.launch.duration).toBe('P3M');
  });

  it('doubles design and implementation for high complexity', () => {
    const effective = resolvePolicy(defaultPolicy, { kind: 'alliance', modifiers: ['high_complexity'] });
    expect(effective.dueDiligence.phases.detailed.duration).toBe('P112D');
    expect(effective.launch.duration).toBe('P6M');
    expect(effective.dueDiligence.phases.preliminary.duration).toBe('P4W');
  });

  it('multiplies factors, then adds, in the same order whatever order the modifiers were given in', () => {
    const a = resolvePolicy(defaultPolicy, { kind: 'alliance', modifiers: ['regulated', 'joint_venture', 'cross_border'] });
    const b = resolvePolicy(defaultPolicy, { kind: 'alliance', modifiers: ['cross_border', 'regulated', 'joint_venture', 'cross_border'] });
    expect(a).toEqual(b);
    expect(a.modifiers).toEqual(['cross_border', 'regulated', 'joint_venture']);
    // 4 weeks × 1.5 × 1.5 = 63 days, + 6 months.
    expect(a.dueDiligence.phases.final.duration).toBe('P6M63D');
  });

  it('is deterministic: the same input gives an equal result every time', () => {
    const args = { kind: 'technology' as const, modifiers: ['high_complexity' as const, 'cross_border' as const] };
    expect(resolvePolicy(defaultPolicy, args)).toEqual(resolvePolicy(defaultPolicy, args));
  });

  it('leaves a modifier the policy has no rule for without effect', () => {
    const policy: Policy = { ...defaultPolicy, modifiers: {} };
    expect(resolvePolicy(policy, { kind: 'alliance', modifiers: ['cross_border'] }).launch.duration).toBe('P3M');
  });
});

describe('invalid policies are refused, naming the field', () => {
  it('refuses weights that do not sum to 1', () => {
    const input = withChange((p) => {
      (p.screening as { criteria: Array<{ weight: number }> }).criteria[0]!.weight = 0.25;
    });
    expect(refusalOf(input)).toBe('screening.criteria: weights must sum to 1; they sum to 0.95');
  });

  it('refuses a bad duration', () => {
    const input = withChange((p) => {
      (p.dueDiligence as { phases: { detailed: { duration: string } } }).phases.detailed.duration = 'eight weeks';
    });
    expect(refusalOf(input)).toMatch(/^dueDiligence\.phases\.detailed\.duration: expected an ISO-8601 duration/);
  });

  it('refuses a reject threshold above the advance threshold', () => {
    const input = withChange((p) => {
      (p.screening as { thresholds: unknown }).thresholds = { advance: 3, reject: 4 };
    });
    expect(refusalOf(input)).toMatch(/^screening\.thresholds\.reject: the reject threshold must not be above/);
  });

  it('refuses a missing version', () => {
    const input = withChange((p) => {
      delete p.version;
    });
    expect(refusalOf(input)).toMatch(/^version: /);
  });

  it('refuses unknown fields, so typos do not pass silently', () => {
    const input = withChange((p) => {
      (p.renewal as Record<string, unknown>).leadTme = 'P3M';
    });
    expect(refusalOf(input)).toMatch(/^renewal: Unrecognized key: "leadTme"/);
  });

  it('refuses duplicate checklist item ids', () => {
    const input = withChange((p) => {
      const items = (p.launch as { items: Array<{ id: string }> }).items;
      items[1]!.id = items[0]!.id;
    });
    expect(refusalOf(input)).toBe('launch.items[1].id: duplicate id "legal-documents"');
  });

  it('refuses a zero review cadence', () => {
    const input = withChange((p) => {
      (p.reviews as { monthly: { every: string } }).monthly.every = 'P0D';
    });
    expect(refusalOf(input)).toBe('reviews.monthly.every: must be longer than zero');
  });

  it('refuses a kind override that breaks the policy, naming the override field', () => {
    const input = withChange((p) => {
      p.kinds = { technology: { screening: { criteria: [{ id: 'strategic-fit', title: 'Strategic fit', weight: 0.5 }] } } };
    });
    expect(refusalOf(input)).toBe('kinds.technology.screening.criteria: weights must sum to 1; they sum to 0.5');
  });

  it('refuses a modifier rule that neither scales nor adds', () => {
    const input = withChange((p) => {
      p.modifiers = { cross_border: { appliesTo: ['launch'] } };
    });
    expect(refusalOf(input)).toBe('modifiers.cross_border: give a factor, an add, or both');
  });

  it('lists every problem at once', () => {
    const input = withChange((p) => {
      (p.contract as { noticePeriod: string }).noticePeriod = 'six months';
      (p.issues as { resolveWithin: { low: string } }).resolveWithin.low = 'soon';
    });
    expect(refusalOf(input).split('; ')).toHaveLength(2);
  });

  it('keeps the policy body apart from version, kinds and modifiers', () => {
    expect(Object.keys(policyBodyOf(defaultPolicy)).sort()).toEqual(
      ['contract', 'dueDiligence', 'escalation', 'exit', 'issues', 'launch', 'renewal', 'reviews', 'screening'].sort(),
    );
  });
});
