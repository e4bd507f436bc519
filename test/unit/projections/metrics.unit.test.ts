import { RunnerMetrics } from '../../../projections/runner/metrics';
import { renderPrometheus } from '../../../projections/runner';

describe('runner metrics', () => {
  test('a snapshot counts messages, poison by reason, per-model outcomes, lag and the recent rate', () => {
    let now = 1_000_000;
    const metrics = new RunnerMetrics(['timeline'], () => now);
    metrics.batch('lifecycle:0', 400, 100);
    now += 2000;
    metrics.batch('lifecycle:1', 600, 0);
    metrics.poison('schema');
    metrics.model('timeline').applied += 990;
    metrics.model('timeline').gapsDetected += 1;

    const snap = metrics.snapshot();

    expect(snap).toMatchObject({
      consumed: 1000,
      batches: 2,
      deadLetteredTotal: 1,
      deadLettered: { schema: 1, 'not-json': 0 },
      models: { timeline: { applied: 990, gapsDetected: 1 } },
      lag: { 'lifecycle:0': 100, 'lifecycle:1': 0 },
      totalLag: 100,
    });
    expect(snap.rate).toBe(500);
  });

  test('renders the Prometheus text format with one sample per label set', () => {
    const metrics = new RunnerMetrics(['timeline', 'probe']);
    metrics.batch('partnerflow.lifecycle-events.v1:3', 10, 7);
    metrics.poison('not-json');

    const text = renderPrometheus(metrics.snapshot());

    expect(text).toContain('# TYPE partnerflow_projector_messages_consumed_total counter\npartnerflow_projector_messages_consumed_total 10\n');
    expect(text).toContain('partnerflow_projector_dead_lettered_total{reason="not-json"} 1');
    expect(text).toContain('partnerflow_projector_events_total{read_model="probe",outcome="held"} 0');
    expect(text).toContain('partnerflow_projector_lag{topic="partnerflow.lifecycle-events.v1",partition="3"} 7');
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?\d+(\.\d+)?)$/);
  });
});
