import { LIFECYCLE_EVENTS } from '../catalog';
import { indexKey } from '../runner/keys';
import type { IndexOp, Projection } from '../runner/projection';
import { DEFAULT_PAGE_LIMIT, type Page, type PageRequest, type ReadModelReader } from '../runner/reader';
import { foldOpenWork, NO_WORK, openEscalations, syncEntries, type OpenStep, type OpenTask, type Work } from '../summary';

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
  fold: foldOpenWork,
  index(before, after, ce): IndexOp[] {
    // The entries follow the doc: an event that left it as it was changes none of them.
    if (before === after) return [];
    const tasksBefore = before?.tasks ?? {};
    const tasksAfter = after?.tasks ?? {};
    const stepsBefore = escalationsOf(before);
    const stepsAfter = escalationsOf(after);
    const ops: IndexOp[] = [
      ...syncEntries(ce.subject, tasksBefore, tasksAfter, { zset: () => TASKS_BY_DUE, hash: TASKS }, (t) => Date.parse(t.dueAt), (t) => ({
        partnershipId: ce.subject,
        ...t,
      })),
      // The owner's sorted set holds the same members; the hash writes are the ones above, so only the set's are kept.
      ...syncEntries(ce.subject, tasksBefore, tasksAfter, { zset: (t) => ownerTasksKey(t.owner), hash: TASKS }, (t) => Date.parse(t.dueAt), () => null).filter(
        (op) => op.op === 'zadd' || op.op === 'zrem',
      ),
      ...syncEntries(
        ce.subject,
        stepsBefore,
        stepsAfter,
        { zset: () => ESCALATIONS_BY_FIRED, hash: ESCALATIONS },
        (s) => Date.parse(s.firedAt),
        (s) => ({ partnershipId: ce.subject, ...s }),
      ),
    ];
    // A fired step keeps its level and addressee until it is answered: only arrivals and departures change the counts.
    const count = (step: OpenStep, by: number) =>
      ops.push({ op: 'hincrby', key: ESCALATION_COUNTS, field: `level:${step.step}`, by }, { op: 'hincrby', key: ESCALATION_COUNTS, field: `addressee:${step.addressee.id}`, by });
    for (const [id, step] of Object.entries(stepsBefore)) if (stepsAfter[id] === undefined) count(step, -1);
    for (const [id, step] of Object.entries(stepsAfter)) if (stepsBefore[id] === undefined) count(step, 1);
    return ops;
  },
};

/** Reads one page of a sorted set by score (`min`..`max`) with its entries from `hash`, and the set's count in range. */
async function page<T>(reader: ReadModelReader, zset: string, hash: string, max: number | string, req: PageRequest): Promise<Page<T>> {
  const offset = req.offset ?? 0;
  const limit = req.limit ?? DEFAULT_PAGE_LIMIT;
  const first = await reader.read(WORK_BOARD, [
    { command: 'ZRANGEBYSCORE', key: indexKey(zset), args: ['-inf', max, 'LIMIT', offset, limit] },
    { command: 'ZCOUNT', key: indexKey(zset), args: ['-inf', max] },
  ]);
  const ids = ((first.replies[0] ?? []) as string[]).map(String);
  const total = Number(first.replies[1] ?? 0);
  if (ids.length === 0) return { total, offset, limit, items: [] };
  // The same generation as the first read, so the page and its rows agree even across a rebuild's switch-over.
  const { replies } = await reader.read(WORK_BOARD, [{ command: 'HMGET', key: indexKey(hash), args: ids }], first.generation ?? undefined);
  const items = ((replies[0] ?? []) as Array<string | null>).flatMap((j) => (j === null ? [] : [JSON.parse(j) as T]));
  return { total, offset, limit, items };
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
