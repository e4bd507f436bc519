import { z } from 'zod';
import { EVENT_SOURCE } from './names';

/** A CloudEvents 1.0 structured-mode JSON message with partnerflow's `sequence` extension (gapless per subject). */
export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(/^[a-z][a-z0-9.-]*$/, 'reverse-DNS style, lower case'),
  subject: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  dataschemaversion: z.number().int().positive().optional(),
  sequence: z.number().int().positive(),
  data: z.unknown(),
});

export type CloudEvent = z.infer<typeof cloudEventSchema>;

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
