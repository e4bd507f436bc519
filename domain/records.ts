/**
 * Records keyed by ids that come from input (KPI, risk, task, issue, escalation ids, review KPI values, scores). A plain
 * object answers `constructor` or `toString` from its prototype, and `__proto__` names the prototype itself, so every
 * lookup here sees own entries only. Own-property checks rather than prototype-less objects: records come back from
 * JSON (workflow history, continue-as-new, Redis docs) as plain objects whatever they were built as.
 */

/** The entry under `key`, if the record itself holds one. */
export function entryOf<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether the record itself holds an entry under `key`. */
export function hasEntry(record: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.hasOwn(record, key);
}

/** A copy with `key` set. A computed key defines an own entry, even `__proto__` (assignment would set the prototype). */
export function withEntry<V>(record: Readonly<Record<string, V>>, key: string, value: NoInfer<V>): Record<string, V> {
  return { ...record, [key]: value };
}

/** A copy without `key`. */
export function withoutEntry<V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> {
  if (!Object.hasOwn(record, key)) return record;
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}
