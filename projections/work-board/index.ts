import { LIFECYCLE_EVENTS } from '../catalog';
import { indexKey } from '../runner/keys';
import type { IndexOp, Projection } from '../runner/projection';
import type { ReadModelReader } from '../runner/reader';
import { foldOpenWork, NO_WORK, openEscalations, scored, syncEntries, type OpenStep, type OpenTask, type Work } from '../summary';

/** Name of the work-board read model. */
export const WORK_BOARD = 'work-board';

const TASKS_BY_DUE = 'tasks:by-due';
const TASKS = 'tasks';
const ESCALATIONS_BY_FIRED = 'escalations:by-fired';
const ESCALATIONS = 'escalations';

/** An open task on the board. */
export interface BoardTask extends OpenTask {
  partnershipId: string;
}

/** An open escalation on the board, with its age when read. */
export interface BoardEscalation extends OpenStep {
  partnershipId: string;
  ageMs: number;
}

/**
 * Work board: open tasks (sorted by due date) and open escalations (sorted by when they fired) across the portfolio.
 * The doc is the partnership's open work; the indexes follow it entry by entry.
 */
export const workBoardProjection: Projection<Work> = {
  name: WORK_BOARD,
  events: LIFECYCLE_EVENTS,
  fold: foldOpenWork,
  index(before, after, ce): IndexOp[] {
    // The entries follow the doc: an event that left it as it was changes none of them.
    if (before === after) return [];
    const escalations = (w: Work | null) => Object.fromEntries(openEscalations(w ?? NO_WORK).map((s) => [s.escalationId, s]));
    return [
      ...syncEntries(ce.subject, before?.tasks ?? {}, after?.tasks ?? {}, { zset: () => TASKS_BY_DUE, hash: TASKS }, (t) => Date.parse(t.dueAt), (t) => ({
        partnershipId: ce.subject,
        ...t,
      })),
      ...syncEntries(
        ce.subject,
        escalations(before),
        escalations(after),
        { zset: () => ESCALATIONS_BY_FIRED, hash: ESCALATIONS },
        (s) => Date.parse(s.firedAt),
        (s) => ({ partnershipId: ce.subject, ...s }),
      ),
    ];
  },
};

async function entries<T>(reader: ReadModelReader, zset: string, hash: string, max: number | string): Promise<T[]> {
  const first = await reader.read(WORK_BOARD, [{ command: 'ZRANGEBYSCORE', key: indexKey(zset), args: ['-inf', max, 'WITHSCORES'] }]);
  const ids = scored(first.replies[0]).map(([m]) => m);
  if (ids.length === 0) return [];
  const { replies } = await reader.read(WORK_BOARD, [{ command: 'HMGET', key: indexKey(hash), args: ids }], first.generation ?? undefined);
  return ((replies[0] ?? []) as Array<string | null>).flatMap((j) => (j === null ? [] : [JSON.parse(j) as T]));
}

/** Open tasks by due date, optionally only one owner's. */
export async function openTasks(reader: ReadModelReader, opts: { owner?: string } = {}): Promise<BoardTask[]> {
  const all = await entries<BoardTask>(reader, TASKS_BY_DUE, TASKS, '+inf');
  return opts.owner === undefined ? all : all.filter((t) => t.owner === opts.owner);
}

/** Open tasks whose due date is before `now`. */
export async function overdueTasks(reader: ReadModelReader, now: Date): Promise<BoardTask[]> {
  return entries<BoardTask>(reader, TASKS_BY_DUE, TASKS, `(${now.getTime()}`);
}

/** Open escalations with their age at `now`, oldest first, and grouped by level and by addressee. */
export async function openEscalationsBoard(
  reader: ReadModelReader,
  now: Date,
): Promise<{ all: BoardEscalation[]; byLevel: Record<string, BoardEscalation[]>; byAddressee: Record<string, BoardEscalation[]> }> {
  const all = (await entries<Omit<BoardEscalation, 'ageMs'>>(reader, ESCALATIONS_BY_FIRED, ESCALATIONS, '+inf')).map((e) => ({
    ...e,
    ageMs: now.getTime() - Date.parse(e.firedAt),
  }));
  const group = (key: (e: BoardEscalation) => string) => {
    const out: Record<string, BoardEscalation[]> = {};
    for (const e of all) (out[key(e)] ??= []).push(e);
    return out;
  };
  return { all, byLevel: group((e) => e.step), byAddressee: group((e) => e.addressee.id) };
}
