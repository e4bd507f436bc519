import type { KafkaMessage } from 'kafkajs';
import type { Poison } from './dead-letter';
import type { FoldFailure, FoldResult } from './fold';

/** A consumed message waiting for its flush, still as bytes. */
export interface Consumed {
  topic: string;
  partition: number;
  message: KafkaMessage;
  /** The message key: the partnership the producer keyed it by, and the subject its event should carry. */
  key: string | null;
}

/**
 * The events a flush's folds threw on, as poison: one per message however many read models threw on it, with the
 * original bytes when the message is in the flush (an event released from behind a gap is re-serialised).
 */
export function foldPoison(consumed: readonly Consumed[], folds: readonly FoldResult[]): Poison[] {
  const failed = new Map<string, { failure: FoldFailure; details: string[] }>();
  for (const fold of folds) {
    for (const f of fold.failures) {
      const at = f.position === 'held' ? `held:${f.event.id}` : f.position;
      const known = failed.get(at);
      if (known === undefined) failed.set(at, { failure: f, details: [f.detail] });
      else known.details.push(f.detail);
    }
  }
  if (failed.size === 0) return [];
  const byPosition = new Map(consumed.map((c) => [`${c.topic}:${c.partition}@${c.message.offset}`, c]));
  return [...failed].map(([at, { failure, details }]) => {
    const c = byPosition.get(at) ?? {
      topic: '',
      partition: -1,
      message: {
        key: Buffer.from(failure.subject),
        value: Buffer.from(JSON.stringify(failure.event)),
        offset: '-1',
        timestamp: String(Date.now()),
        attributes: 0,
        headers: {},
      },
    };
    return {
      topic: c.topic,
      partition: c.partition,
      message: c.message,
      reason: 'fold-failed',
      detail: details.join('; '),
      subject: failure.subject,
      sequence: failure.sequence,
    };
  });
}
