import { LIFECYCLE_EVENTS } from '../catalog';
import type { IndexOp, Projection } from '../runner/projection';
import { scoredPage, type Page, type PageRequest, type ReadModelReader } from '../runner/reader';
import { foldOpenWork, syncEntries, type OpenStep, type Work } from '../summary';
import { entryOf } from '../../domain/records';

/** Name of the inbox read model. */
export const INBOX = 'inbox';

/** One item in a person's inbox: a reminder or an escalation addressed to them, until it is answered. */
export interface InboxItem extends OpenStep {
  partnershipId: string;
  kind: 'reminder' | 'escalation';
  taskTitle: string;
}

const inboxKey = (personId: string) => `inbox:${personId}`;
const ITEMS = 'items';

/**
 * Inbox: every fired ladder step (reminder or escalation) in its addressee's inbox, sorted by when it fired. It leaves
 * when acknowledged, when its task closes (completed, decided, cancelled…) or when the deadline moves.
 */
export const inboxProjection: Projection<Work> = {
  name: INBOX,
  events: LIFECYCLE_EVENTS,
  fold: foldOpenWork,
  sync(before, after, subject): IndexOp[] {
    // The entries follow the doc's steps: an event that left them as they were (folds keep the object) changes none.
    if (before === after || (before !== null && after !== null && before.steps === after.steps)) return [];
    const tasks = after?.tasks ?? {};
    return syncEntries(
      subject,
      before?.steps ?? {},
      after?.steps ?? {},
      { zset: (s) => inboxKey(s.addressee.id), hash: ITEMS },
      (s) => Date.parse(s.firedAt),
      (s): InboxItem => ({ partnershipId: subject, kind: s.step === 'reminder' ? 'reminder' : 'escalation', taskTitle: entryOf(tasks, s.taskId)?.title ?? s.taskId, ...s }),
    );
  },
};

/** A page of a person's inbox, oldest first, and how many items it holds. */
export function readInbox(reader: ReadModelReader, personId: string, page: PageRequest = {}): Promise<Page<InboxItem>> {
  return scoredPage<InboxItem>(reader, INBOX, inboxKey(personId), ITEMS, '+inf', page);
}
