import type { CloudEvent } from '../../../../domain/cloudevent';
import { lifecycleEvent, sampleData } from './events';

/** Builds one partnership's history event by event with sequences and times that advance by the hour unless given. */
export function story(subject: string, start = '2025-01-01T00:00:00.000Z') {
  const events: CloudEvent[] = [];
  let at = Date.parse(start);
  const add = (type: string, data?: Record<string, unknown>, opts: { at?: string; hours?: number } = {}) => {
    at = opts.at !== undefined ? Date.parse(opts.at) : at + (opts.hours ?? 1) * 3_600_000;
    const time = new Date(at).toISOString();
    const sequence = events.length + 1;
    events.push(lifecycleEvent({ subject, sequence, type, at: time, data: data ?? sampleData(type, subject, sequence, time) }));
    return api;
  };
  const api = { add, events };
  return api;
}

/** A task spec as TaskOpened carries it. */
export const task = (id: string, dueAt: string, more: Record<string, unknown> = {}) => ({
  task: { id, kind: 'checklist', title: `Task ${id}`, owner: 'olga.owner', legal: false, dueAt, reminderLead: 'P1D', ...more },
});

/** An EscalationStepFired payload. */
export const fired = (taskId: string, step: string, addressee: { role: string; id: string }, at: string) => ({
  taskId,
  step,
  escalationId: `${taskId}:0:${step}`,
  round: 0,
  scheduledAt: at,
  dueAt: at,
  addressee,
  reason: 'overdue',
});

/** A risk as `RiskAdded` and `FindingRecorded` carry it (severity = likelihood × impact), manual and open unless `more` says otherwise. */
export const risk = (id: string, likelihood: number, impact: number, more: Record<string, unknown> = {}) => ({
  id,
  title: `Risk ${id}`,
  category: 'operational',
  likelihood,
  impact,
  owner: 'olga.owner',
  mitigation: [],
  status: 'open',
  source: { kind: 'manual' },
  raisedAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  ...more,
});
