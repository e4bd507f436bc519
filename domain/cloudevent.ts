import { z } from 'zod';
import { EVENT_SOURCE } from './names';

/** A CloudEvents `type`: reverse-DNS style, lower case. */
const TYPE_PATTERN = /^[a-z][a-z0-9.-]*$/;

/** A CloudEvents 1.0 structured-mode JSON message with partnerflow's `sequence` extension (gapless per subject). */
export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(TYPE_PATTERN, 'reverse-DNS style, lower case'),
  subject: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  dataschemaversion: z.number().int().positive().optional(),
  sequence: z.number().int().positive(),
  data: z.unknown(),
});

export type CloudEvent = z.infer<typeof cloudEventSchema>;

const ENVELOPE_KEYS = new Set(Object.keys(cloudEventSchema.shape));
const TIME = cloudEventSchema.shape.time;

/**
 * `cloudEventSchema.safeParse`, with a shortcut for what a consumer reads all day: a plain object with exactly the
 * envelope's attributes, each as the schema wants it, is returned as it is (the schema would return an equal copy).
 * Anything else, valid or not, goes through the schema itself, so refusals and their messages are the schema's.
 */
export function checkCloudEvent(json: unknown): { success: true; data: CloudEvent } | { success: false; error: z.ZodError } {
  if (typeof json === 'object' && json !== null && Object.getPrototypeOf(json) === Object.prototype) {
    const e = json as Record<string, unknown>;
    let keys = 0;
    let known = true;
    for (const key in e) {
      keys += 1;
      if (!ENVELOPE_KEYS.has(key)) known = false;
    }
    const version = e.dataschemaversion;
    if (
      known &&
      keys === (version === undefined ? ENVELOPE_KEYS.size - 1 : ENVELOPE_KEYS.size) &&
      e.specversion === '1.0' &&
      e.datacontenttype === 'application/json' &&
      Object.hasOwn(e, 'data') &&
      nonEmpty(e.id) &&
      nonEmpty(e.source) &&
      nonEmpty(e.subject) &&
      typeof e.type === 'string' &&
      TYPE_PATTERN.test(e.type) &&
      positiveInteger(e.sequence) &&
      (version === undefined || positiveInteger(version)) &&
      typeof e.time === 'string' &&
      TIME.safeParse(e.time).success
    ) {
      return { success: true, data: e as CloudEvent };
    }
  }
  return cloudEventSchema.safeParse(json);
}

const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const positiveInteger = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) > 0;

/**
 * The event id is a pure function of subject and sequence, so every retry of a publish carries the same id
 * and any consumer can drop the duplicate.
 */
export function eventId(subject: string, sequence: number): string {
  return `${subject}/${sequence}`;
}

export function toCloudEvent(input: { type: string; subject: string; sequence: number; time: string; version?: number; data: unknown }): CloudEvent {
  return {
    specversion: '1.0',
    id: eventId(input.subject, input.sequence),
    source: EVENT_SOURCE,
    type: input.type,
    subject: input.subject,
    time: input.time,
    datacontenttype: 'application/json',
    dataschemaversion: input.version,
    sequence: input.sequence,
    data: input.data,
  };
}

/**
 * The Kafka message of a CloudEvent, in the CloudEvents Kafka protocol binding's structured content mode: the whole
 * event as JSON in the value, `content-type: application/cloudevents+json`, the subject as the key (the binding's
 * `partitionkey`). Two attributes are copied into headers in the binding's `ce_` form so brokers' tools and routers can
 * read them without parsing the value; the value is the event, the headers are a convenience.
 */
export const KAFKA_CLOUDEVENT_HEADERS = { contentType: 'content-type', id: 'ce_id', type: 'ce_type' } as const;

/** The media type of a structured-mode CloudEvent in JSON. */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';

/** Key, value and headers of the Kafka message that carries `event`. */
export function toKafkaMessage(event: CloudEvent): { key: string; value: string; headers: Record<string, string> } {
  return {
    key: event.subject,
    value: JSON.stringify(event),
    headers: {
      [KAFKA_CLOUDEVENT_HEADERS.contentType]: STRUCTURED_CONTENT_TYPE,
      [KAFKA_CLOUDEVENT_HEADERS.id]: event.id,
      [KAFKA_CLOUDEVENT_HEADERS.type]: event.type,
    },
  };
}
