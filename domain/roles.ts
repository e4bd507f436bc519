import { NOT_BLANK } from './limits';
import { z } from 'zod';
import { INPUT_LIMITS, maxChars } from './limits';

/** The people-facing roles partnerflow knows. */
export const roleSchema = z.enum(['admin', 'ops', 'exec', 'legal', 'owner', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

/** A person's role, or `system` for the commands the lifecycle fires on its own when time passes. */
export const actorRoleSchema = z.enum([...roleSchema.options, 'system']);
export type ActorRole = z.infer<typeof actorRoleSchema>;

/** Who is acting: every actor-driven event records this. */
export const actorSchema = z.object({
  id: maxChars(INPUT_LIMITS.name).trim().regex(NOT_BLANK, 'name who is acting'),
  role: actorRoleSchema,
});
export type Actor = z.infer<typeof actorSchema>;

/** The actor of time-driven commands (escalation steps, review openings, renewal window, auto-renew, end of notice). */
export const SYSTEM_ACTOR: Actor = Object.freeze({ id: 'partnerflow', role: 'system' });
