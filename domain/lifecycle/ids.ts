import { parseDuration } from '../duration';
import type { ChecklistScope, GateId, LadderStep } from '../model';
import type { ReviewCadence } from '../policy/schema';

// Every id here is derived from what it names, never random, so replaying a history rebuilds the same ids.

/** `gate.screening`, `gate.dd.final`, `gate.launch`. */
export function gateTaskId(gate: GateId): string {
  return `gate.${gate}`;
}

/** `dd.preliminary.financial-performance`, `launch.legal-documents`, `exit.asset-division`. */
export function checklistTaskId(scope: ChecklistScope, itemId: string): string {
  return `${scope}.${itemId}`;
}

/** `review.monthly.2027-03` for calendar cadences; finer cadences label the period by its start. */
export function reviewTaskId(cadence: ReviewCadence, periodStart: string, every: string): string {
  return `review.${cadence}.${periodLabel(periodStart, every)}`;
}

/** `renewal.2029-12-31`: one renewal decision per contract term. */
export function renewalTaskId(termEnd: string): string {
  return `renewal.${timeLabel(termEnd)}`;
}

/** `issue.3`; the issue's task has the same id. */
export function issueId(n: number): string {
  return `issue.${n}`;
}

/** `risk.7`. */
export function riskId(n: number): string {
  return `risk.${n}`;
}

/** `finding.2`. */
export function findingId(n: number): string {
  return `finding.${n}`;
}

/** `${taskId}:L1`; the ladder step a person may acknowledge (or the reminder, which needs none). */
export function escalationId(taskId: string, step: LadderStep): string {
  return `${taskId}:${step}`;
}

/** Splits an escalation id back into task id and step; `undefined` when it is not one. */
export function parseEscalationId(id: string): { taskId: string; step: string } | undefined {
  const at = id.lastIndexOf(':');
  return at <= 0 ? undefined : { taskId: id.slice(0, at), step: id.slice(at + 1) };
}

/** A calendar cadence (whole months or years) gets one period per month label at most, so `YYYY-MM` is unique. */
function periodLabel(periodStart: string, every: string): string {
  const p = parseDuration(every);
  const calendarOnly = p.weeks + p.days + p.hours + p.minutes + p.seconds === 0;
  return calendarOnly ? periodStart.slice(0, 7) : timeLabel(periodStart);
}

/** `2027-03-01` at midnight, otherwise `2027-03-01T093000Z`: no colons, which separate an escalation's task id from its step. */
function timeLabel(iso: string): string {
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19).replace(/:/g, '');
  return time === '000000' ? date : `${date}T${time}Z`;
}
