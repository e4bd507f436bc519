import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/lifecycle-activities';
import type { EventOf } from '../../domain/events';
import { compressedPolicy, defaultPolicy } from '../../domain/policy';
import { partnershipWorkflowId } from '../../domain/names';
import { CommandRefused, LifecycleClient } from '../../services/lifecycle-client';
import { MAX_HISTORY_EVENTS } from '../../workflows/lifecycle';
import { completeChecklist, driveTo, people, registered, registrationData } from '../support/lifecycle';
import { RecordingPublisher } from '../support/recording-publisher';
import { createTimeSkippingEnv, quietTemporalLogs, unique, workflowBundle } from '../support/stack';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const HISTORIES = path.join(__dirname, '..', 'histories');

describe('the partnership lifecycle on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let lc: LifecycleClient;
  const publisher = new RecordingPublisher();
  const taskQueue = unique('test-lifecycle');

  beforeAll(async () => {
    quietTemporalLogs();
    env = await createTimeSkippingEnv();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ publisher }),
    });
    running = worker.run();
    lc = new LifecycleClient(env.client, taskQueue);
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  /** Keeps a history for the replay test when RECORD_HISTORIES=1 (committed under test/histories/). */
  async function maybeRecordHistory(name: string, partnershipId: string): Promise<void> {
    if (process.env.RECORD_HISTORIES !== '1') return;
    const history = await env.client.workflow.getHandle(partnershipWorkflowId(partnershipId)).fetchHistory();
    fs.mkdirSync(HISTORIES, { recursive: true });
    fs.writeFileSync(path.join(HISTORIES, `${name}.json`), JSON.stringify(history));
  }

  function ladderOf(partnershipId: string, taskId: string) {
    return publisher
      .domainEvents(partnershipId)
      .filter((e): e is EventOf<'EscalationStepFired'> => e.type === 'EscalationStepFired' && e.data.taskId === taskId)
      .map((e) => ({ step: e.data.step, scheduledAt: e.data.scheduledAt, occurredAt: e.metadata.occurredAt }));
  }

  async function firstChecklistItem(id: string) {
    const state = registered(await lc.state(id));
    const item = state.openTasks.find((t) => t.kind === 'checklist');
    if (!item) throw new Error('no open checklist item');
    return item;
  }

  const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

  test('the escalation ladder fires at the exact policy times: reminder, overdue, PMO lead, sponsor, steering committee', async () => {
    const id = unique('ladder');
    await lc.register(registrationData(id, compressedPolicy), people.ops);
    await driveTo(lc, id, 'due_diligence', compressedPolicy);
    const item = await firstChecklistItem(id);

    await env.sleep(Date.parse(item.dueAt) - Date.parse(registered(await lc.state(id)).updatedAt) + 10 * MINUTE);

    // Compressed policy: reminder 2 min before due; overdue at due; L1 after overdue's 1 min; L2 after L1's 2 min; L3 after L2's 3 min.
    const expected = [
      ['reminder', plus(item.dueAt, -2 * MINUTE)],
      ['overdue', item.dueAt],
      ['L1', plus(item.dueAt, 1 * MINUTE)],
      ['L2', plus(item.dueAt, 3 * MINUTE)],
      ['L3', plus(item.dueAt, 6 * MINUTE)],
    ];
    const fired = ladderOf(id, item.id);
    expect(fired.map((f) => [f.step, f.scheduledAt])).toEqual(expected);
    for (const f of fired) expect(Date.parse(f.occurredAt) - Date.parse(f.scheduledAt)).toBeLessThan(1000);

    const state = registered(await lc.state(id));
    expect(state.openEscalations.find((e) => e.taskId === item.id)).toMatchObject({ level: 'L3', addressee: { role: 'steering_committee' } });
    await maybeRecordHistory('ladder', id);
  });

  test('acknowledging an escalation re-arms that level’s response time; completing the task stops the ladder', async () => {
    const id = unique('ack');
    await lc.register(registrationData(id, compressedPolicy), people.ops);
    await driveTo(lc, id, 'due_diligence', compressedPolicy);
    const item = await firstChecklistItem(id);
    const startedAt = registered(await lc.state(id)).updatedAt;

    // Up to and including L1 (due + 1 min), but not L2 (due + 3 min).
    await env.sleep(Date.parse(item.dueAt) - Date.parse(startedAt) + 1 * MINUTE + 30_000);
    expect(ladderOf(id, item.id).map((f) => f.step)).toEqual(['reminder', 'overdue', 'L1']);
    const l1 = registered(await lc.state(id)).openEscalations.find((e) => e.taskId === item.id);
    expect(l1?.level).toBe('L1');

    await lc.command(id, 'AcknowledgeEscalation', { escalationId: l1?.id, note: 'on it' }, people.ops);
    const ackAt = registered(await lc.state(id)).updatedAt;

    // Without the ack L2 would fire at due + 3 min; re-armed, it fires 2 min (L1's response time) after the ack.
    await env.sleep(2 * MINUTE + 30_000);
    const l2 = ladderOf(id, item.id).find((f) => f.step === 'L2');
    expect(l2?.scheduledAt).toBe(plus(ackAt, 2 * MINUTE));

    await lc.command(id, 'CompleteTask', { taskId: item.id }, { id: item.owner, role: 'owner' });
    const stepsWhenDone = ladderOf(id, item.id).length;
    await env.sleep(30 * MINUTE);
    expect(ladderOf(id, item.id).length).toBe(stepsWhenDone);
    expect(registered(await lc.state(id)).openEscalations.some((e) => e.taskId === item.id)).toBe(false);
    await maybeRecordHistory('ack-and-complete', id);
  });

  test('moving a deadline re-plans the ladder from the new due date', async () => {
    const id = unique('move');
    await lc.register(registrationData(id, compressedPolicy), people.ops);
    await driveTo(lc, id, 'due_diligence', compressedPolicy);
    const item = await firstChecklistItem(id);
    const newDue = plus(item.dueAt, 60 * MINUTE);

    await lc.command(id, 'MoveDeadline', { taskId: item.id, dueAt: newDue, reason: 'partner data room opens late' }, people.ops);
    await env.sleep(Date.parse(newDue) - Date.parse(registered(await lc.state(id)).updatedAt) + 2 * MINUTE);

    const fired = ladderOf(id, item.id);
    expect(fired.map((f) => [f.step, f.scheduledAt])).toEqual([
      ['reminder', plus(newDue, -2 * MINUTE)],
      ['overdue', newDue],
      ['L1', plus(newDue, 1 * MINUTE)],
    ]);
  });

  test.each([
    ['screening', 'due_diligence' as const, 0],
    ['dd.preliminary', 'dd.detailed' as const, 1],
    ['dd.detailed', 'dd.final' as const, 2],
    ['dd.final', 'launch' as const, 3],
  ])('a rejection at the %s gate ends the lifecycle as rejected', async (gate, _next, stepsBefore) => {
    const id = unique(`reject-${gate.replace('.', '-')}`);
    const handle = await lc.register(registrationData(id, compressedPolicy), people.ops);
    const milestones = ['due_diligence', 'dd.detailed', 'dd.final', 'launch'] as const;
    if (stepsBefore > 0) await driveTo(lc, id, milestones[stepsBefore - 1] as (typeof milestones)[number], compressedPolicy);
    if (gate === 'screening') {
      await lc.command(
        id,
        'SubmitScreeningScore',
        { evaluator: people.exec.id, scores: { 'strategic-fit': 1, 'market-impact': 2, 'technical-compatibility': 2, 'financial-value': 1, risk: 2 } },
        people.exec,
      );
    } else {
      await completeChecklist(lc, id);
    }
    const decider = gate === 'screening' || gate === 'dd.final' ? people.exec : people.ops;
    await lc.command(id, 'DecideGate', { gate, outcome: 'reject', rationale: 'does not meet the bar' }, decider);

    const final = registered(await handle.result());
    expect(final.stage).toBe('rejected');
    expect(final.rejected).toMatchObject({ gate, rationale: 'does not meet the bar' });
    expect(publisher.domainEvents(id).at(-1)?.type).toBe('PartnershipRejected');
    await maybeRecordHistory(`rejected-at-${gate}`, id);
  });

  test('an invalid command is refused with its reason, records no event and no update in history', async () => {
    const id = unique('refuse');
    const handle = await lc.register(registrationData(id, compressedPolicy), people.ops);
    await driveTo(lc, id, 'due_diligence', compressedPolicy);
    const sequence = registered(await lc.state(id)).sequence;

    await expect(lc.command(id, 'DecideGate', { gate: 'launch', outcome: 'advance', rationale: 'rush' }, people.ops)).rejects.toThrow(CommandRefused);
    await expect(lc.command(id, 'SubmitScreeningScore', { evaluator: people.exec.id, scores: { 'strategic-fit': 6 } }, people.exec)).rejects.toMatchObject({
      code: 'invalid_command',
    });
    await expect(lc.command(id, 'CompleteTask', { taskId: 'no-such-task' }, people.ops)).rejects.toMatchObject({ code: 'unknown_task' });
    await expect(lc.command(id, 'DecideGate', { gate: 'dd.preliminary', outcome: 'advance', rationale: 'x' }, people.legal)).rejects.toMatchObject({
      code: 'forbidden',
    });

    expect(registered(await lc.state(id)).sequence).toBe(sequence);
    // The test server keeps the (empty) workflow tasks that carried the rejections; the dev-server test checks for none at all.
    const updateEvents = ((await handle.fetchHistory()).events ?? []).filter(
      (e) =>
        e.workflowExecutionUpdateAcceptedEventAttributes ||
        e.workflowExecutionUpdateCompletedEventAttributes ||
        e.workflowExecutionUpdateAdmittedEventAttributes,
    );
    // Two accepted updates (score, gate), each accepted and completed: nothing from the four refusals.
    expect(updateEvents).toHaveLength(4);
    await maybeRecordHistory('refused-commands', id);
  });

  test('a partnership lives through all five stages, renews twice and exits over several simulated years', async () => {
    const id = unique('full-life');
    const handle = await lc.register(registrationData(id, defaultPolicy), people.ops);
    let state = await driveTo(lc, id, 'optimization', defaultPolicy, 1);
    expect(state.stage).toBe('optimization');
    expect(state.contract).toMatchObject({ autoRenew: false });

    for (let renewal = 1; renewal <= 3; renewal += 1) {
      const end = registered(await lc.state(id)).contract?.end as string;
      // The renewal review opens six months before the end of the term.
      await env.sleep(Date.parse(end) - 183 * DAY - Date.parse(registered(await lc.state(id)).updatedAt) + 2 * DAY);
      state = registered(await lc.state(id));
      expect(state.stage).toBe('renewal');
      const window = publisher
        .domainEvents(id)
        .filter((e): e is EventOf<'RenewalWindowOpened'> => e.type === 'RenewalWindowOpened')
        .at(-1);
      expect(window?.data.termEnd).toBe(end);

      if (renewal < 3) {
        await lc.command(id, 'DecideRenewal', { decision: 'renew', rationale: `KPIs on target, term ${renewal + 1}`, term: 'P1Y' }, people.exec);
        state = registered(await lc.state(id));
        expect(state.stage).toBe('optimization');
        expect(Date.parse(state.contract?.end as string)).toBeGreaterThan(Date.parse(end));
      } else {
        await lc.command(id, 'DecideRenewal', { decision: 'exit', rationale: 'strategy moved on' }, people.exec);
      }
    }

    state = registered(await lc.state(id));
    expect(state.stage).toBe('exit');
    await completeChecklist(lc, id);
    // The notice period (six months by default) runs out; with the wind-down done, the partnership exits.
    const final = registered(await handle.result());
    expect(final.stage).toBe('exited');

    const events = publisher.domainEvents(id);
    expect(events.map((e) => e.metadata.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'ContractRenewed')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'ReviewCompleted' || e.type === 'TaskOpened').length).toBeGreaterThan(20);
    expect(events.at(-1)?.type).toBe('PartnershipExited');
    const years = (Date.parse(final.updatedAt) - Date.parse(final.registeredAt)) / (365 * DAY);
    expect(years).toBeGreaterThan(2.5);
    await maybeRecordHistory('full-life-two-renewals-exit', id);
  });

  test('history stays bounded through five simulated years of monthly reviews (continue-as-new)', async () => {
    const id = unique('five-years');
    const handle = await lc.register(registrationData(id, defaultPolicy), people.ops);
    await driveTo(lc, id, 'optimization', defaultPolicy, 6);
    for (let year = 0; year < 5; year += 1) await env.sleep(365 * DAY);

    const runs: number[] = [];
    let runId: string | undefined = handle.firstExecutionRunId;
    while (runId !== undefined) {
      const history: Awaited<ReturnType<ReturnType<typeof env.client.workflow.getHandle>['fetchHistory']>> = await env.client.workflow
        .getHandle(handle.workflowId, runId)
        .fetchHistory();
      const events: NonNullable<typeof history.events> = history.events ?? [];
      runs.push(events.length);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    expect(runs.length).toBeGreaterThan(1);
    // A run stops taking work once it passes the bound, then drains and carries over: a little slack past it.
    for (const length of runs) expect(length).toBeLessThan(MAX_HISTORY_EVENTS + 200);

    const state = registered(await lc.state(id));
    expect(state.stage).toBe('optimization');
    const reviews = publisher.domainEvents(id).filter((e) => e.type === 'TaskOpened' && e.data.task.kind === 'review');
    expect(reviews.length).toBeGreaterThanOrEqual(5 * 12);
    const sequences = publisher.domainEvents(id).map((e) => e.metadata.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    await maybeRecordHistory('five-years-continue-as-new', id);
  });
});
