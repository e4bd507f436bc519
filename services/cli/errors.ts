/**
 * Exit codes of `partnerflow`, one meaning each, so scripts can branch on them. The table is printed by `--help`.
 */
export const EXIT = {
  /** It worked. */
  ok: 0,
  /** The server refused the request (400, 422, any other 4xx not below), or a local check failed (an invalid policy file). */
  refused: 1,
  /** Usage or configuration error: unknown command, bad or missing flags/arguments, an unusable PARTNERFLOW_URL or environment. */
  usage: 2,
  /** Not authenticated or not allowed (401, 403; no PARTNERFLOW_TOKEN). */
  auth: 3,
  /** Not found (404): an unknown partnership, task, escalation, token… */
  notFound: 4,
  /** Conflict (409): the lifecycle refused the transition in its current state. */
  conflict: 5,
  /** The server (or Redis, Kafka) cannot be reached, did not answer in time, or failed (5xx). */
  unavailable: 6,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODE_HELP = `exit codes:
  0  ok
  1  refused: the server refused the request (400, 422, other 4xx), or the policy file is invalid
  2  usage: unknown command, bad or missing flags/arguments, unusable environment (PARTNERFLOW_URL, REDIS_URL…)
  3  not authenticated or forbidden (401, 403, no PARTNERFLOW_TOKEN)
  4  not found (404): unknown partnership, task, escalation, token
  5  conflict (409): the lifecycle refused the transition in its current state
  6  unavailable: cannot reach the server (or Redis/Kafka), no answer in time, or a server error (5xx)`;

/** An expected failure: one line for stderr (without the `error: ` prefix) and the exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error (exit 2), optionally pointing at the command's help. */
export function usageError(message: string, command?: string): CliError {
  return new CliError(EXIT.usage, command === undefined ? message : `${message} (see: partnerflow ${command} --help)`);
}

/** The exit code an HTTP status means. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status >= 200 && status < 400) return EXIT.ok;
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  if (status >= 500 || status < 200) return EXIT.unavailable;
  return EXIT.refused;
}

/** The part of an RFC 9457 problem document the CLI reads. */
export interface ProblemLike {
  status?: number;
  title?: string;
  detail?: string;
  code?: string;
  errors?: Array<{ field: string; message: string }>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a problem document out of an answer body, or undefined when it is not one. */
export function asProblem(body: unknown): ProblemLike | undefined {
  if (!isRecord(body)) return undefined;
  if (typeof body.detail !== 'string' && typeof body.title !== 'string') return undefined;
  const errors = Array.isArray(body.errors)
    ? body.errors.flatMap((e) =>
        isRecord(e) && typeof e.field === 'string' ? [{ field: e.field, message: typeof e.message === 'string' ? e.message : '' }] : [],
      )
    : undefined;
  return {
    ...(typeof body.status === 'number' ? { status: body.status } : {}),
    ...(typeof body.title === 'string' ? { title: body.title } : {}),
    ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
    ...(typeof body.code === 'string' ? { code: body.code } : {}),
    ...(errors !== undefined && errors.length > 0 ? { errors } : {}),
  };
}

/** Squeezes text onto one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * One line saying what went wrong, from a non-2xx answer: the problem's detail, the fields at fault that the detail
 * does not already name, and `[<status> <code>]`. Without a problem document, the status and what the body says.
 */
export function problemMessage(status: number, body: unknown): string {
  const problem = asProblem(body);
  if (problem === undefined) {
    const text = typeof body === 'string' ? oneLine(body).slice(0, 200) : '';
    return `the server answered HTTP ${status}${text === '' ? '' : `: ${text}`}`;
  }
  const detail = oneLine(problem.detail ?? problem.title ?? `HTTP ${status}`);
  const missing = (problem.errors ?? []).filter((e) => !detail.includes(e.field));
  const fields = missing.length === 0 ? '' : ` (fields: ${missing.map((e) => (e.message === '' ? e.field : `${e.field}: ${oneLine(e.message)}`)).join('; ')})`;
  const tag = problem.code === undefined ? `[${status}]` : `[${status} ${problem.code}]`;
  return `${detail}${fields} ${tag}`;
}

/** The CliError a non-2xx answer becomes. */
export function problemError(status: number, body: unknown): CliError {
  return new CliError(exitCodeForStatus(status), problemMessage(status, body));
}
