import { LIFECYCLE_EVENTS } from '../catalog';
import { indexKey } from '../runner/keys';
import type { IndexOp, Projection } from '../runner/projection';
import { scoredPage, type Page, type PageRequest, type ReadModelReader } from '../runner/reader';
import { foldOpenWork, NO_WORK, openEscalations, type OpenStep, type OpenTask, type Work } from '../open-work';
import { syncEntries } from '../runner/entries';
import { entryOf, hasEntry } from '../../domain/records';

/** Name of the work-board read model. */
export const WORK_BOARD = 'work-board';

const TASKS_BY_DUE = 'tasks:by-due';
const TASKS = 'tasks';
const ESCALATIONS_BY_FIRED = 'escalations:by-fired';
const ESCALATIONS = 'escalations';
/** The same tasks as `tasks:by-due`, one sorted set per owner: an owner's page is read without reading everyone's. */
const ownerTasksKey = (owner: string) => `tasks:by-due:owner:${owner}`;
/** Open escalations counted per level (`level:<step>`) and per addressee (`addressee:<person>`). */
const ESCALATION_COUNTS = 'escalations:counts';

/** An open task on the board. */
export interface BoardTask extends OpenTask {
  partnershipId: string;
}

/** An open escalation on the board, with its age when read. */
export interface BoardEscalation extends OpenStep {
  partnershipId: string;
  ageMs: number;
}

/** Open escalations: one page, oldest first, and the count of all of them per level and per addressee. */
export interface EscalationBoard extends Page<BoardEscalation> {
  byLevel: Record<string, number>;
  byAddressee: Record<string, number>;
}

/** The work report as the API serves it (`GET /reports/work`). */
export interface WorkReport {
  at: string;
  openTasks: Page<BoardTask>;
  overdue: Page<BoardTask>;
  escalations: EscalationBoard;
}

const escalationsOf = (w: Work | null): Record<string, OpenStep> => Object.fromEntries(openEscalations(w ?? NO_WORK).map((s) => [s.escalationId, s]));

/**
 * Work board: open tasks (sorted by due date, across the portfolio and per owner) and open escalations (sorted by
 * when they fired, counted per level and addressee). The doc is the partnership's open work; the indexes follow it
 * entry by entry.
 */
export const workBoardProjection: Projection<Work> = {
  name: WORK_BOARD,
  events: LIFECYCLE_EVENTS,
  version: 4,
  fold: foldOpenWork,
  sync(before, after, subject): IndexOp[] {
    // The entries follow the doc: an event that left it as it was changes none of them. Folds keep the tasks or the
    // steps object as it was when the event did not touch it, so each half is compared by identity first.
    if (before === after) return [];
    const ops: IndexOp[] = [];
    const tasksBefore = before?.tasks ?? {};
    const tasksAfter = after?.tasks ?? {};
    if (tasksBefore !== tasksAfter) syncTasks(subject, tasksBefore, tasksAfter, ops);
    if ((before?.steps ?? null) === (after?.steps ?? null)) return ops;
    const stepsBefore = escalationsOf(before);
    const stepsAfter = escalationsOf(after);
    for (const op of syncEntries(
      subject,
      stepsBefore,
      stepsAfter,
      { zset: () => ESCALATIONS_BY_FIRED, hash: ESCALATIONS },
      (s) => Date.parse(s.firedAt),
      (s) => ({ partnershipId: subject, ...s }),
    )) {
      ops.push(op);
    }
    // A fired step keeps its level and addressee until it is answered: only arrivals and departures change the counts.
    const count = (step: OpenStep, by: number) =>
      ops.push(
        { op: 'hincrby', key: ESCALATION_COUNTS, field: `level:${step.step}`, by },
        { op: 'hincrby', key: ESCALATION_COUNTS, field: `addressee:${step.addressee.id}`, by },
      );
    for (const [id, step] of Object.entries(stepsBefore)) if (!hasEntry(stepsAfter, id)) count(step, -1);
    for (const [id, step] of Object.entries(stepsAfter)) if (!hasEntry(stepsBefore, id)) count(step, 1);
    return ops;
  },
};

/**
 * The task entries' writes (as `syncEntries` makes them, once for both sorted sets): a task that left is removed from
 * the portfolio's set, its owner's set and the hash; a new or changed one is (re)written in all three, and leaves its
 * former owner's set when it changed hands.
 */
function syncTasks(subject: string, before: Readonly<Record<string, OpenTask>>, after: Readonly<Record<string, OpenTask>>, ops: IndexOp[]): void {
  for (const [id, old] of Object.entries(before)) {
    const now = entryOf(after, id);
    if (now !== undefined && now.owner === old.owner) continue;
    const member = `${subject}/${id}`;
    ops.push({ op: 'zrem', key: ownerTasksKey(old.owner), member });
    if (now === undefined) ops.push({ op: 'zrem', key: TASKS_BY_DUE, member }, { op: 'hdel', key: TASKS, field: member });
  }
  for (const [id, now] of Object.entries(after)) {
    if (entryOf(before, id) === now) continue;
    const member = `${subject}/${id}`;
    const score = Date.parse(now.dueAt);
    ops.push(
      { op: 'zadd', key: TASKS_BY_DUE, score, member },
      { op: 'hset', key: TASKS, field: member, value: JSON.stringify({ partnershipId: subject, ...now }) },
      { op: 'zadd', key: ownerTasksKey(now.owner), score, member },
    );
  }
}

/** One page of a work-board sorted set (see `scoredPage`). */
function page<T>(reader: ReadModelReader, zset: string, hash: string, max: number | string, req: PageRequest): Promise<Page<T>> {
  return scoredPage<T>(reader, WORK_BOARD, zset, hash, max, req);
}

/** Open tasks by due date (soonest first), optionally only one owner's: one page, and how many there are. */
export async function openTasks(reader: ReadModelReader, opts: { owner?: string } & PageRequest = {}): Promise<Page<BoardTask>> {
  return page<BoardTask>(reader, opts.owner === undefined ? TASKS_BY_DUE : ownerTasksKey(opts.owner), TASKS, '+inf', opts);
}

/** Open tasks whose due date is before `now` (most overdue first), optionally only one owner's. */
export async function overdueTasks(reader: ReadModelReader, now: Date, opts: { owner?: string } & PageRequest = {}): Promise<Page<BoardTask>> {
  return page<BoardTask>(reader, opts.owner === undefined ? TASKS_BY_DUE : ownerTasksKey(opts.owner), TASKS, `(${now.getTime()}`, opts);
}

/** Open escalations with their age at `now`, oldest first (one page), and all of them counted by level and by addressee. */
export async function openEscalationsBoard(reader: ReadModelReader, now: Date, opts: PageRequest = {}): Promise<EscalationBoard> {
  const listed = await page<Omit<BoardEscalation, 'ageMs'>>(reader, ESCALATIONS_BY_FIRED, ESCALATIONS, '+inf', opts);
  const { replies } = await reader.read(WORK_BOARD, [{ command: 'HGETALL', key: indexKey(ESCALATION_COUNTS) }]);
  const flat = (replies[0] ?? []) as string[];
  const byLevel: Record<string, number> = {};
  const byAddressee: Record<string, number> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const [kind, ...rest] = String(flat[i]).split(':');
    const n = Number(flat[i + 1]);
    // Counts drop to 0 rather than vanish (HINCRBY keeps the field).
    if (n <= 0) continue;
    if (kind === 'level') byLevel[rest.join(':')] = n;
    else if (kind === 'addressee') byAddressee[rest.join(':')] = n;
  }
  return { ...listed, items: listed.items.map((e) => ({ ...e, ageMs: now.getTime() - Date.parse(e.firedAt) })), byLevel, byAddressee };
}
