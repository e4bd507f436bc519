import { portfolioProjection } from '../../../projections/portfolio/read-model';
import { replay } from './support/memory-model';
import { story } from './support/story';

const launched = story('p-1')
  .add('PartnershipRegistered')
  .add('DueDiligencePhaseStarted', { phase: 'preliminary', endsAt: '2025-02-01T00:00:00.000Z' })
  .add('LaunchStarted', { endsAt: '2025-03-01T00:00:00.000Z' }).events;
const rejected = story('p-2').add('PartnershipRegistered').add('PartnershipRejected', { gate: 'screening', rationale: 'no strategic fit' }).events;

describe('portfolio read model', () => {
  test('given one launched and one rejected partnership, then sets by stage, kind, owner and the funnel count them', () => {
    const model = replay(portfolioProjection, [...launched, ...rejected]);

    expect(model.snapshot().index).toMatchObject({
      'stage:launch': ['p-1'],
      'stage:rejected': ['p-2'],
      'kind:alliance': ['p-1', 'p-2'],
      'owner:olga.owner': ['p-1', 'p-2'],
      funnel: [
        ['diligence', '1'],
        ['launched', '1'],
        ['screened', '2'],
      ],
      'rejected-at': [['screening', '1']],
      'rejection-reasons': [['no strategic fit', '1']],
    });
  });

  test('applying every event twice equals applying it once', () => {
    const events = [...launched, ...rejected];
    expect(
      replay(
        portfolioProjection,
        events.flatMap((e) => [e, e]),
      ).snapshot(),
    ).toEqual(replay(portfolioProjection, events).snapshot());
  });
});
