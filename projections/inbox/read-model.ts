import { LIFECYCLE_EVENTS } from '../catalog';
import type { IndexOp, Projection } from '../runner/projection';
import { scoredPage, type Page, type PageRequest, type ReadModelReader } from '../runner/reader';
import { foldOpenWork, type OpenStep, type Work } from '../open-work';
import { syncEntries } from '../runner/entries';
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

/** What an inbox lists of a partnership's open work: the steps awaiting their addressee, not those acknowledged. */
const awaiting = (steps: Readonly<Record<string, OpenStep>>): Record<string, OpenStep> =>
  Object.fromEntries(Object.entries(steps).filter(([, s]) => s.acknowledgedAt === null));

/**
 * Inbox: what its owner can act on, sorted by when it fired: the step each open task stands at (a reminder, or an
 * escalation awaiting acknowledgement) in its addressee's inbox. It leaves when acknowledged, when a later step
 * supersedes it, when its task closes (completed, decided, cancelled…) or when the deadline moves; the timeline keeps
 * the history.
 */
export const inboxProjection: Projection<Work> = {
  name: INBOX,
  events: LIFECYCLE_EVENTS,
  version: 2,
  fold: foldOpenWork,
  sync(before, after, subject): IndexOp[] {
    // The entries follow the doc's steps: an event that left them as they were (folds keep the object) changes none.
    if (before === after || (before !== null && after !== null && before.steps === after.steps)) return [];
    const tasks = after?.tasks ?? {};
    return syncEntries(
      subject,
      awaiting(before?.steps ?? {}),
      awaiting(after?.steps ?? {}),
      { zset: (s) => inboxKey(s.addressee.id), hash: ITEMS },
      (s) => Date.parse(s.firedAt),
      (s): InboxItem => ({
        partnershipId: subject,
        kind: s.step === 'reminder' ? 'reminder' : 'escalation',
        taskTitle: entryOf(tasks, s.taskId)?.title ?? s.taskId,
        ...s,
      }),
    );
  },
};

/** A page of a person's inbox, oldest first, and how many items it holds. */
export function readInbox(reader: ReadModelReader, personId: string, page: PageRequest = {}): Promise<Page<InboxItem>> {
  return scoredPage<InboxItem>(reader, INBOX, inboxKey(personId), ITEMS, '+inf', page);
}
