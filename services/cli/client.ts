import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, EXIT, exitCodeForStatus, problemMessage, usageError } from './errors';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** One request to the operations API, as a command maps to it. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path under the server root, e.g. `/api/v1/partnerships`. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: Record<string, unknown>;
}

/** A 2xx answer. */
export interface ApiResponse {
  status: number;
  body: unknown;
  /** True when the server replayed the stored answer of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

export interface ClientOptions {
  /** Server root, e.g. `http://127.0.0.1:8080` ($PARTNERFLOW_URL). */
  baseUrl?: string;
  /** Bearer token ($PARTNERFLOW_TOKEN). */
  token?: string;
  /** Idempotency-Key of the (one) POST/PATCH this client sends; a random UUID by default. */
  idempotencyKey?: string;
  /** Extra attempts after a network failure or a 502/503/504 (same Idempotency-Key, so safe); default 2. */
  retries?: number;
  /** How long to wait for an answer, in ms (default 60 000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<unknown>;
}

/** The server root, checked: an unusable PARTNERFLOW_URL is a usage error. */
export function baseUrlOf(raw: string | undefined): string {
  const text = raw === undefined || raw.trim() === '' ? DEFAULT_URL : raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`PARTNERFLOW_URL is not a URL: "${text}" (e.g. ${DEFAULT_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`PARTNERFLOW_URL must be http:// or https://, not "${text}"`);
  return text.replace(/\/+$/, '');
}

/** The full URL of a request: root + path + query (undefined values left out). */
export function requestUrl(baseUrl: string, req: Pick<ApiRequest, 'path' | 'query'>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) params.append(k, v);
  const qs = params.toString();
  return `${baseUrl}${req.path}${qs === '' ? '' : `?${qs}`}`;
}

const RETRY_STATUS = new Set([502, 503, 504]);

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  const inner = cause?.errors?.find((e) => typeof e.code === 'string');
  return typeof inner?.code === 'string' ? inner.code : undefined;
}

/** Calls the operations API with fetch: bearer token, JSON bodies, an Idempotency-Key on every POST/PATCH. */
export class ApiClient {
  readonly baseUrl: string;
  readonly idempotencyKey: string;
  private readonly token: string | undefined;
  private readonly retries: number;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly sleepFn: (ms: number) => Promise<unknown>;

  constructor(opts: ClientOptions = {}) {
    this.baseUrl = baseUrlOf(opts.baseUrl);
    this.token = opts.token === undefined || opts.token.trim() === '' ? undefined : opts.token.trim();
    this.idempotencyKey = opts.idempotencyKey ?? randomUUID();
    this.retries = opts.retries ?? 2;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.fetchFn = opts.fetch ?? fetch;
    this.sleepFn = opts.sleep ?? sleep;
  }

  /** The headers of a request. */
  headers(req: ApiRequest): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (req.method !== 'GET') {
      headers['content-type'] = 'application/json';
      headers['idempotency-key'] = this.idempotencyKey;
    }
    return headers;
  }

  /** Sends the request; a 2xx answer is returned, anything else is thrown as a CliError with its exit code. */
  async send(req: ApiRequest): Promise<ApiResponse> {
    if (this.token === undefined) {
      throw new CliError(EXIT.auth, 'set PARTNERFLOW_TOKEN to your API token (an admin creates one: partnerflow tokens create --name <you> --role <role>)');
    }
    const url = requestUrl(this.baseUrl, req);
    const write = req.method !== 'GET';
    const retryHint = write ? `; it may have been applied: re-run with --idempotency-key ${this.idempotencyKey} to retry safely` : '';
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetchFn(url, {
          method: req.method,
          headers: this.headers(req),
          ...(write ? { body: JSON.stringify(req.body ?? {}) } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        const name = (err as { name?: string } | null)?.name;
        if (name === 'TimeoutError' || name === 'AbortError') {
          throw new CliError(EXIT.unavailable, `no answer from ${this.baseUrl} within ${Math.round(this.timeoutMs / 1000)} s${retryHint}`);
        }
        const code = causeCode(err);
        if (attempt < this.retries) {
          await this.sleepFn(250 * 4 ** attempt);
          continue;
        }
        const refused = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
        throw new CliError(
          EXIT.unavailable,
          `cannot reach partnerflow at ${this.baseUrl}${code === undefined ? '' : ` (${code})`}: is it running? (set PARTNERFLOW_URL)${refused ? '' : retryHint}`,
        );
      }
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      let body: unknown = text;
      if (/json/.test(type) && text !== '') {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          body = text;
        }
      }
      if (res.status >= 200 && res.status < 300) return { status: res.status, body, replayed: res.headers.get('idempotent-replayed') === 'true' };
      if (RETRY_STATUS.has(res.status) && attempt < this.retries) {
        const after = Number(res.headers.get('retry-after'));
        await this.sleepFn(Number.isFinite(after) && after > 0 ? Math.min(after, 5) * 1000 : 250 * 4 ** attempt);
        continue;
      }
      const message = problemMessage(res.status, body);
      throw new CliError(exitCodeForStatus(res.status), res.status >= 500 ? `${message}${retryHint}` : message);
    }
  }
}
