import { z } from 'zod';
import { ESCALATION_ID_PATTERN, gateIdSchema, PARTNERSHIP_ID_PATTERN, partnershipIdSchema, recordIdSchema } from '../../domain/model';

/** A path parameter: its name and the schema its value must pass (or the route answers 404). */
export interface PathParam {
  name: string;
  schema: z.ZodType;
  description: string;
}

/** Global escalation reference: `<partnershipId>/<escalationId>`, as the work board and inboxes list them. */
export const escalationRefSchema = z
  .string()
  .regex(
    new RegExp(`^${PARTNERSHIP_ID_PATTERN}/${ESCALATION_ID_PATTERN}$`),
    'an escalation reference is `<partnershipId>/<taskId>:<level>`, as inboxes and the work board list it',
  );

export function splitEscalationRef(ref: string): { partnershipId: string; escalationId: string } {
  const at = ref.indexOf('/');
  return { partnershipId: ref.slice(0, at), escalationId: ref.slice(at + 1) };
}

/** The path parameters the routes share. */
export const PARAM = {
  id: { name: 'id', schema: partnershipIdSchema, description: 'the partnership id' },
  taskId: {
    name: 'taskId',
    schema: recordIdSchema,
    description: 'an open task, e.g. `dd.preliminary.financial-performance`, `gate.screening`, `review.monthly.2027-03`, `issue.1`',
  },
  gate: { name: 'gate', schema: gateIdSchema, description: `one of ${gateIdSchema.options.join(', ')}` },
  riskId: { name: 'riskId', schema: recordIdSchema, description: 'e.g. `risk.1`' },
  issueId: { name: 'issueId', schema: recordIdSchema, description: 'e.g. `issue.1`' },
  escalationId: { name: 'escalationId', schema: escalationRefSchema, description: '`<partnershipId>/<taskId>:<level>`' },
} as const satisfies Record<string, PathParam>;
