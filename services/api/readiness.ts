/** What `/readyz` tells anyone who asks: each dependency up or down, nothing more (no hosts, no error text). */
export interface Readiness {
  ready: boolean;
  checks: Record<string, 'up' | 'down'>;
}

/** One dependency's check as the health module reports it (details go to the log, never to the answer). */
export type Check = () => Promise<{ ok: boolean; detail?: string }>;

/**
 * Readiness computed at most once per `ttlMs`, however many ask (callers in between share the last answer or the one
 * in flight): an unauthenticated `/readyz` must not open fresh connections to Temporal, Kafka and Redis per request.
 */
export function cachedReadiness(
  checks: Record<string, Check>,
  opts: { ttlMs?: number; log?: (line: string) => void; now?: () => number } = {},
): () => Promise<Readiness> {
  const ttl = opts.ttlMs ?? 2_000;
  const now = opts.now ?? Date.now;
  let last: { at: number; value: Promise<Readiness> } | null = null;
  const compute = async (): Promise<Readiness> => {
    const names = Object.keys(checks);
    const results = await Promise.all(
      names.map((n) => (checks[n] as Check)().catch((e: unknown) => ({ ok: false, detail: e instanceof Error ? e.message : String(e) }))),
    );
    const out: Record<string, 'up' | 'down'> = {};
    results.forEach((r, i) => {
      const name = names[i] as string;
      out[name] = r.ok ? 'up' : 'down';
      if (!r.ok) opts.log?.(`readiness: ${name} is down: ${r.detail ?? 'no detail'}`);
    });
    return { ready: results.every((r) => r.ok), checks: out };
  };
  return () => {
    if (last === null || now() - last.at >= ttl) last = { at: now(), value: compute() };
    return last.value;
  };
}
