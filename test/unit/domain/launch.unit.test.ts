import { addDuration, defaultPolicy } from '../../../domain';
import { KPIS, T0, accepted, at, command, completeChecklist, contractFrom, inLaunch, inStage, legal, ops, owner, refused } from './fixtures';

const t11 = at(T0, 'PT11M');
const launched = () => completeChecklist(inLaunch(), 'launch', t11);
const launchGate = (data: Record<string, unknown>, now = t11) =>
  command('DecideGate', { gate: 'launch', outcome: 'advance', rationale: 'ready', ...data } as never, ops, now);

describe('the launch', () => {
  it('signs legal documents through legal only', () => {
    const s = inLaunch();
    expect(refused(s.state, command('CompleteTask', { taskId: 'launch.legal-documents' }, owner, t11))).toMatchObject({
      code: 'forbidden',
      message: `${owner.id} (owner) may not complete this legal item (task launch.legal-documents): legal and compliance sign off legal items: ask legal`,
    });
    expect(accepted(s.state, command('CompleteTask', { taskId: 'launch.legal-documents' }, legal, t11)).events[0]).toMatchObject({
      type: 'TaskCompleted',
      data: { taskId: 'launch.legal-documents' },
    });
  });

  it('gate records the contract and KPIs and starts optimization', () => {
    const contract = contractFrom(t11, true);
    const { events, state } = accepted(launched().state, launchGate({ contract, kpis: KPIS }));
    expect(events.map((e) => e.type)).toEqual(['GateDecided', 'OptimizationStarted']);
    expect(events[1]).toMatchObject({ data: { contract: { ...contract, noticePeriod: 'PT2H' } } });
    const o = inStage(state, 'optimization');
    expect(o.contract).toEqual({ ...contract, noticePeriod: 'PT2H' });
    expect(o.terms).toBe(1);
    expect(Object.keys(o.kpis)).toEqual(['joint-revenue', 'integration-uptime']);
    expect(o.reviews).toEqual({ monthly: t11, quarterly: t11, annual: t11 });
  });

  it('gate uses the contract given at registration when none is given at launch', () => {
    const start = '2027-02-01T00:00:00.000Z';
    const s = completeChecklist(inLaunch({ contract: { start, end: '2030-02-01T00:00:00Z', noticePeriod: 'P3M', autoRenew: true } }), 'launch', t11);
    const { state } = accepted(s.state, launchGate({ kpis: KPIS }));
    expect(inStage(state, 'optimization').contract).toEqual({ start, end: '2030-02-01T00:00:00.000Z', noticePeriod: 'P3M', autoRenew: true });
  });

  it('gate may reject, ending the lifecycle', () => {
    const { state } = accepted(inLaunch().state, command('DecideGate', { gate: 'launch', outcome: 'reject', rationale: 'integration failed' }, ops, t11));
    expect(inStage(state, 'rejected').rejected.gate).toBe('launch');
  });

  it('labels monthly reviews by calendar month under the default policy', () => {
    const s = completeChecklist(inLaunch({ policy: defaultPolicy }), 'launch', t11);
    const start = '2027-02-01T00:00:00.000Z';
    const { state } = accepted(s.state, launchGate({ contract: { start, end: '2030-02-01T00:00:00Z' }, kpis: KPIS }));
    const o = inStage(state, 'optimization');
    expect(o.contract?.noticePeriod).toBe('P6M');
    const opened = accepted(
      state,
      command('OpenReview', { cadence: 'monthly', periodStart: start }, { id: 'partnerflow', role: 'system' }, '2027-03-01T00:00:00Z'),
    );
    expect(opened.events[0]).toMatchObject({
      type: 'TaskOpened',
      data: { task: { id: 'review.monthly.2027-02', kind: 'review', owner: ops.id, dueAt: addDuration('2027-03-01T00:00:00Z', 'P1W'), reminderLead: 'P3D' } },
    });
  });

  describe('gate refuses', () => {
    it('to advance with launch items open', () => {
      expect(refused(inLaunch().state, launchGate({ contract: contractFrom(t11), kpis: KPIS })).code).toBe('gate_not_ready');
    });

    it('to advance without a contract', () => {
      expect(refused(launched().state, launchGate({ kpis: KPIS }))).toEqual({
        code: 'contract_required',
        message: 'the launch gate records the contract: give its start, end, notice period and whether it renews automatically',
      });
    });

    it('to advance without KPIs', () => {
      expect(refused(launched().state, launchGate({ contract: contractFrom(t11) })).message).toBe(
        'the launch gate records the success metrics: define at least one KPI with its target',
      );
    });

    it('the same KPI twice', () => {
      expect(refused(launched().state, launchGate({ contract: contractFrom(t11), kpis: [KPIS[0], KPIS[0]] })).message).toBe(
        'KPI joint-revenue is defined twice; give each KPI its own id',
      );
    });

    it('a KPI without a target', () => {
      const { target: _t, ...noTarget } = KPIS[0]!;
      expect(refused(launched().state, launchGate({ contract: contractFrom(t11), kpis: [noTarget] })).message).toMatch(/data\.kpis\[0\]\.target/);
    });
  });
});
