import type { z } from 'zod';
import { checkCloudEvent, eventId, type CloudEvent } from '../../domain/cloudevent';
import type { EventTypeSpec } from './projection';

/** Why an event went to the dead-letter topic. */
export type PoisonReason = 'not-json' | 'not-cloudevent' | 'unknown-type' | 'version-too-new' | 'schema' | 'fold-failed';

/** Every poison reason, in the order metrics list them. */
export const POISON_REASONS: readonly PoisonReason[] = ['not-json', 'not-cloudevent', 'unknown-type', 'version-too-new', 'schema', 'fold-failed'];

/** A consumed message: an event the projections can fold, or poison with the reason. */
export type Decoded =
  | { ok: true; event: CloudEvent; spec: EventTypeSpec }
  | { ok: false; reason: Exclude<PoisonReason, 'fold-failed'>; detail: string; subject?: string; sequence?: number };

/**
 * Checks an event whose envelope, type and version are already known good, and may return it transformed (an
 * upcaster). The default runs the type's own schema; the lifecycle's zod union plugs in here.
 */
export type Validator = (
  event: CloudEvent,
  spec: EventTypeSpec,
) => { ok: true; event: CloudEvent } | { ok: false; reason: 'schema' | 'version-too-new'; detail: string };

/** Validates with the schema each event type declares; the event passes through unchanged. */
export const validateWithSpec: Validator = (event, spec) => {
  const parsed = spec.schema.safeParse(event);
  return parsed.success ? { ok: true, event } : { ok: false, reason: 'schema', detail: describeIssues(parsed.error) };
};

/** The issues of a zod error on one line: `path: message; …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** The version an event carries: `dataschemaversion`, else a numeric `data.version`, else 1. */
export function versionOf(event: CloudEvent): number {
  if (event.dataschemaversion !== undefined) return event.dataschemaversion;
  const inner = event.data as { version?: unknown } | null | undefined;
  return typeof inner?.version === 'number' ? inner.version : 1;
}

/** Builds the decoder: bytes → JSON → CloudEvent envelope → known type → supported version → `validate`. */
export function createDecoder(catalog: ReadonlyMap<string, EventTypeSpec>, validate: Validator = validateWithSpec): (value: Buffer | null) => Decoded {
  return (value) => {
    if (value === null || value.length === 0) return { ok: false, reason: 'not-json', detail: 'empty message (no value)' };
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch (e) {
      return { ok: false, reason: 'not-json', detail: (e as Error).message };
    }
    const envelope = checkCloudEvent(json);
    if (!envelope.success) return { ok: false, reason: 'not-cloudevent', detail: describeIssues(envelope.error) };
    const event = envelope.data;
    const identity = { subject: event.subject, sequence: event.sequence };
    if (event.id !== eventId(event.subject, event.sequence)) {
      return {
        ok: false,
        reason: 'not-cloudevent',
        detail: `id "${event.id}" is not "${eventId(event.subject, event.sequence)}" (subject/sequence)`,
        ...identity,
      };
    }
    const spec = catalog.get(event.type);
    if (spec === undefined) return { ok: false, reason: 'unknown-type', detail: `no read model knows event type "${event.type}"`, ...identity };
    const version = versionOf(event);
    if (version > spec.maxVersion) {
      return {
        ok: false,
        reason: 'version-too-new',
        detail: `${event.type} v${version} is newer than this projector reads (up to v${spec.maxVersion}); upgrade the projector, then rebuild`,
        ...identity,
      };
    }
    const checked = validate(event, spec);
    if (!checked.ok) return { ...checked, ...identity };
    return { ok: true, event: checked.event, spec };
  };
}
