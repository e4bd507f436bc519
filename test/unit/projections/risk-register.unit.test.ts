import { riskRegisterProjection, type RiskRegisterDoc } from '../../../projections/risk-register/read-model';
import { replay } from './support/memory-model';
import { risk, story } from './support/story';

const p1 = () =>
  story('p-1')
    .add('PartnershipRegistered')
    .add('RiskAdded', { risk: risk('r-1', 2, 3) })
    .add('FindingRecorded', {
      findingId: 'f-1',
      title: 'Key person',
      risk: risk('r-2', 4, 5, { category: 'strategic', source: { kind: 'finding', findingId: 'f-1' } }),
    });
const p2 = () =>
  story('p-2')
    .add('PartnershipRegistered')
    .add('RiskAdded', { risk: risk('r-1', 3, 3, { category: 'regulatory', owner: 'pat.pmo' }) });

const members = (pairs: Array<[string, number]>) => pairs.map(([m, s]) => `${m}=${s}`);

describe('risk-register read model', () => {
  test('given risks added by hand and from findings, then every risk is in the register with severity = likelihood × impact', () => {
    const model = replay(riskRegisterProjection, [...p1().events, ...p2().events]);

    expect(model.doc<RiskRegisterDoc>('p-1')?.risks['r-2']).toMatchObject({
      severity: 20,
      status: 'open',
      owner: 'olga.owner',
      category: 'strategic',
      source: { kind: 'finding' },
    });
    expect(members(model.zset('risks:by-severity'))).toEqual(['p-1/r-1=6', 'p-2/r-1=9', 'p-1/r-2=20']);
    expect(members(model.zset('risks:status:open'))).toEqual(['p-1/r-1=6', 'p-2/r-1=9', 'p-1/r-2=20']);
    const rows = new Map((model.snapshot().index as Record<string, unknown>).risks as Array<[string, string]>);
    expect(JSON.parse(rows.get('p-2/r-1') ?? 'null')).toMatchObject({
      partnershipId: 'p-2',
      riskId: 'r-1',
      severity: 9,
      owner: 'pat.pmo',
      category: 'regulatory',
    });
  });

  test('when a risk is re-rated, reassigned and moves to mitigating, then its severity, owner and status set follow', () => {
    const events = p1().add(
      'RiskUpdated',
      { riskId: 'r-1', changes: { likelihood: 5, owner: 'pat.pmo', status: 'mitigating', mitigation: ['weekly sync'] } },
      { at: '2025-02-01T00:00:00.000Z' },
    ).events;
    const model = replay(riskRegisterProjection, events);

    expect(model.doc<RiskRegisterDoc>('p-1')?.risks['r-1']).toMatchObject({
      likelihood: 5,
      impact: 3,
      severity: 15,
      owner: 'pat.pmo',
      status: 'mitigating',
      mitigation: ['weekly sync'],
      updatedAt: '2025-02-01T00:00:00.000Z',
    });
    expect(members(model.zset('risks:by-severity'))).toEqual(['p-1/r-1=15', 'p-1/r-2=20']);
    expect(members(model.zset('risks:status:open'))).toEqual(['p-1/r-2=20']);
    expect(members(model.zset('risks:status:mitigating'))).toEqual(['p-1/r-1=15']);
  });

  test('an update of a risk never added changes nothing', () => {
    const events = p1().add('RiskUpdated', { riskId: 'nope', changes: { status: 'closed' } }).events;
    expect(replay(riskRegisterProjection, events).snapshot().index).toEqual(replay(riskRegisterProjection, events.slice(0, -1)).snapshot().index);
  });

  test('closed risks stay in the register, under closed, and the register survives the exit', () => {
    const events = p1()
      .add('RiskUpdated', { riskId: 'r-2', changes: { status: 'closed' } })
      .add('PartnershipExited', { reason: 'wound down' }).events;
    const model = replay(riskRegisterProjection, events);
    expect(members(model.zset('risks:status:closed'))).toEqual(['p-1/r-2=20']);
    expect(members(model.zset('risks:by-severity'))).toEqual(['p-1/r-1=6', 'p-1/r-2=20']);
  });

  test('applying every event twice equals applying it once', () => {
    const events = [
      ...p1()
        .add('RiskUpdated', { riskId: 'r-1', changes: { impact: 1, status: 'accepted' } })
        .add('RiskUpdated', { riskId: 'r-2', changes: { status: 'closed' } }).events,
      ...p2().events,
    ];
    expect(
      replay(
        riskRegisterProjection,
        events.flatMap((e) => [e, e]),
      ).snapshot(),
    ).toEqual(replay(riskRegisterProjection, events).snapshot());
    expect(replay(riskRegisterProjection, events, 2).snapshot()).toEqual(replay(riskRegisterProjection, events).snapshot());
  });
});
