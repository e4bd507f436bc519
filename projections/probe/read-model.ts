import type { CloudEvent } from '../../domain/cloudevent';
import { PROBE_EVENT } from '../catalog';
import { docKey } from '../runner/keys';
import type { Projection } from '../runner/projection';
import type { ReadModelReader } from '../runner/reader';

/** Name of the probe read model. */
export const PROBE = 'probe';

/** The stack probe's read model: each probe's event as the projector received it, so `runStackProbe` can see it arrive. */
export const probeProjection: Projection<CloudEvent> = {
  name: PROBE,
  events: [PROBE_EVENT],
  fold: (_doc, event) => event,
};

/** The probe event with this id, once the projector has written it; null before. */
export async function readProbeEvent(reader: ReadModelReader, eventId: string): Promise<CloudEvent | null> {
  const subject = eventId.slice(0, eventId.lastIndexOf('/'));
  const { replies } = await reader.read(PROBE, [{ command: 'GET', key: docKey(subject) }]);
  const doc = replies[0] as string | null;
  if (doc === null) return null;
  const event = JSON.parse(doc) as CloudEvent;
  return event.id === eventId ? event : null;
}
