import { z } from 'zod';
import { describeIssues, domainError, type DomainError } from './errors';
import { CURRENT_EVENT_VERSIONS, eventSchema, issueRaisedV1Schema, type Event, type EventType } from './events';

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * Upcasters by event type and the version they read. Each turns version n into n + 1; `upcast` chains them, so a
 * stored event of any past version reads as the current one. Old events are never rewritten.
 */
export const UPCASTERS: Readonly<Partial<Record<EventType, Readonly<Record<number, Upcaster>>>>> = {
  IssueRaised: {
    // v1 had no severity: every issue ran on the medium timeline, so that is what it meant.
    1: (data) => ({ ...issueRaisedV1Schema.shape.data.parse(data), severity: 'medium' }),
  },
};

const envelopeSchema = z.object({ type: z.string(), version: z.number().int().positive(), data: z.record(z.string(), z.unknown()) }).loose();

/** Reads a stored event of any version as the current version, or says why it cannot. */
export function upcast(raw: unknown): { ok: true; event: Event } | { ok: false; error: DomainError } {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return invalid(`not an event: ${describeIssues(envelope.error.issues)}`);
  const { type } = envelope.data;
  if (!(type in CURRENT_EVENT_VERSIONS)) return invalid(`unknown event type "${type}"`);
  const current = CURRENT_EVENT_VERSIONS[type as EventType];
  let { version, data } = envelope.data;
  if (version > current) return invalid(`${type} v${version} was written by a newer partnerflow (this one reads up to v${current}); upgrade this consumer`);
  try {
    while (version < current) {
      const step = UPCASTERS[type as EventType]?.[version];
      if (step === undefined) return invalid(`no upcaster for ${type} v${version}`);
      data = step(data);
      version += 1;
    }
  } catch (e) {
    return invalid(`${type} v${version} cannot be upcast: ${e instanceof z.ZodError ? describeIssues(e.issues, ['data']) : String(e)}`);
  }
  const parsed = eventSchema.safeParse({ ...envelope.data, version, data });
  return parsed.success ? { ok: true, event: parsed.data } : invalid(`${type} v${version}: ${describeIssues(parsed.error.issues)}`);
}

function invalid(message: string): { ok: false; error: DomainError } {
  return { ok: false, error: domainError('invalid_event', message) };
}
