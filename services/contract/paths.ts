/** Every API route lives under this prefix. */
export const API_PREFIX = '/api/v1';

/** The names of a path's `{parameters}`: `ParamsOf<'/partnerships/{id}/risks/{riskId}'>` is `'id' | 'riskId'`. */
export type ParamsOf<P extends string> = P extends `${string}{${infer N}}${infer Rest}` ? N | ParamsOf<Rest> : never;

/**
 * The request path of a route with its parameters filled in, each encoded as one path segment (an escalation
 * reference's slash travels as %2F): `pathOf(COMMAND.assignTask, { id, taskId })` → `/api/v1/partnerships/…/assign`.
 */
export function pathOf<P extends string>(route: { path: P }, params: Readonly<Record<ParamsOf<P>, string>>): string {
  const values = params as Readonly<Record<string, string>>;
  return `${API_PREFIX}${route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${route.path}: no value for {${name}}`);
    return encodeURIComponent(value);
  })}`;
}
