import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { quietTemporalLogs, workflowBundle } from '../support/stack';

const HISTORIES = path.join(__dirname, '..', 'histories');

/**
 * Every history recorded from the workflow tests (RECORD_HISTORIES=1 npm test) replays against today's workflow code.
 * A change that breaks determinism fails here: guard it with patched() instead.
 */
describe('recorded lifecycle histories', () => {
  const files = fs.existsSync(HISTORIES)
    ? fs
        .readdirSync(HISTORIES)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];

  test('the committed set covers the ladder, rejections, a whole life and continue-as-new', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'ladder.json',
        'ack-and-complete.json',
        'rejected-at-screening.json',
        'full-life-two-renewals-exit.json',
        'five-years-continue-as-new.json',
      ]),
    );
  });

  test.each(files)('%s replays deterministically', async (file) => {
    quietTemporalLogs();
    // Recorded with JSON.stringify of the History message, so fromObject reads it back.
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')) as Record<string, unknown>);
    const workflowId = path.basename(file, '.json');
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, [{ workflowId, history }])) {
      results.push(result);
    }
    expect(results).toHaveLength(1);
    expect(results[0]?.error).toBeUndefined();
  });
});
