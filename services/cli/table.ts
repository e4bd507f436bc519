/** Plain-text tables and key/value blocks for a terminal: aligned columns, numbers to the right, no colours. */

export type Cell = string | number | boolean | null | undefined | readonly unknown[] | Record<string, unknown>;

/** Longest a cell may be before it is cut with `…` (the whole value is in `--json`). */
export const MAX_CELL = 60;

/** How a value reads in a cell: `-` for nothing, `yes`/`no`, lists joined, objects as compact JSON; always one line. */
export function cellText(value: unknown, max: number = MAX_CELL): string {
  let text: string;
  if (value === null || value === undefined || value === '') text = '-';
  else if (typeof value === 'boolean') text = value ? 'yes' : 'no';
  else if (typeof value === 'number') text = Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  else if (typeof value === 'string') text = value;
  else if (Array.isArray(value)) text = value.length === 0 ? '-' : value.map((v) => cellText(v, Infinity)).join(', ');
  else text = JSON.stringify(value);
  text = text.replace(/\s*[\r\n]+\s*/g, ' ');
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, Math.max(1, max - 1)).join('')}…` : text;
}

const width = (s: string) => [...s].length;
const pad = (s: string, w: number, right: boolean) => (right ? ' '.repeat(w - width(s)) + s : s + ' '.repeat(w - width(s)));

export interface TableOptions {
  /** Columns to align right; by default, columns whose every value is a number. */
  right?: readonly number[];
  /** What to print when there are no rows (default `(none)`). */
  empty?: string;
  /** Longest cell (default MAX_CELL). */
  max?: number;
}

/** An aligned table: upper-case headers, two spaces between columns, trailing spaces trimmed, a final newline. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>, opts: TableOptions = {}): string {
  if (rows.length === 0) return `${opts.empty ?? '(none)'}\n`;
  const max = opts.max ?? MAX_CELL;
  const cells = rows.map((r) => headers.map((_, i) => cellText(r[i], max)));
  const right =
    opts.right ??
    headers.flatMap((_, i) =>
      rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined) && rows.some((r) => typeof r[i] === 'number') ? [i] : [],
    );
  const heads = headers.map((h) => h.toUpperCase());
  const widths = heads.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] as string))));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => pad(c, widths[i] as number, right.includes(i)))
      .join('  ')
      .trimEnd();
  return `${[line(heads), ...cells.map(line)].join('\n')}\n`;
}

/** Rows of objects as a table of the given fields (`[header, field or getter]`). */
export function objectTable<T>(
  items: readonly T[],
  columns: ReadonlyArray<readonly [string, keyof T | ((item: T) => unknown)]>,
  opts: TableOptions = {},
): string {
  return table(
    columns.map(([h]) => h),
    items.map((item) => columns.map(([, get]) => (typeof get === 'function' ? get(item) : item[get]))),
    opts,
  );
}

/** `key  value` lines with the keys aligned; for one record at a glance. */
export function keyValues(pairs: ReadonlyArray<readonly [string, unknown]>, opts: { max?: number } = {}): string {
  if (pairs.length === 0) return '';
  const w = Math.max(...pairs.map(([k]) => width(k)));
  return `${pairs.map(([k, v]) => `${pad(k, w, false)}  ${cellText(v, opts.max ?? 200)}`.trimEnd()).join('\n')}\n`;
}

/** A titled section: the title, then the body (a table or key/values). */
export function section(title: string, body: string): string {
  return `\n${title}\n${body}`;
}
