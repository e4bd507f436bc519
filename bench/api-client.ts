/** The operations API as the bench's personas call it: routes from the contract, one bearer token per persona. */
import type { Role } from '../domain/roles';
import type { CommandContract } from '../services/contract/commands';
import { pathOf, type ParamsOf } from '../services/contract/paths';
import type { ReadContract } from '../services/contract/reads';

export type Persona = 'ops' | 'exec' | 'legal' | 'owner' | 'viewer';
export const PEOPLE: Record<Persona, { name: string; role: Role }> = {
  ops: { name: 'pat.pmo', role: 'ops' },
  exec: { name: 'erin.sponsor', role: 'exec' },
  legal: { name: 'lee.legal', role: 'legal' },
  owner: { name: 'olga.owner', role: 'owner' },
  viewer: { name: 'vic.viewer', role: 'viewer' },
};

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}
export interface CommandAnswer {
  partnershipId: string;
  events: Array<{ id: string; type: string; sequence: number }>;
}

type Params<P extends string> = Readonly<Record<ParamsOf<P>, string>>;

export class Http {
  commands = 0;

  constructor(
    readonly url: string,
    readonly tokens: Record<Persona, string>,
  ) {}

  /** One request to a path under the server root (`pathOf` of a route). */
  async call(method: string, path: string, as: Persona, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.tokens[as]}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? null : (JSON.parse(text) as unknown) };
  }

  /** A command, answered whatever its status. */
  send<P extends string>(as: Persona, route: CommandContract<P>, params: Params<P>, body?: unknown): Promise<Answer> {
    return this.call(route.method, pathOf(route, params), as, body);
  }

  /** A command that must be accepted; returns its last event id. */
  async command<P extends string>(as: Persona, route: CommandContract<P>, params: Params<P>, body?: unknown): Promise<string> {
    const a = await this.send(as, route, params, body);
    this.commands += 1;
    if (a.status !== 200 && a.status !== 201) throw new Error(`${route.method} ${pathOf(route, params)} as ${as}: ${a.status} ${JSON.stringify(a.body)}`);
    return lastEventId(a.body as CommandAnswer);
  }

  /** A read, answered whatever its status; `after` waits for that event (`?after=`). */
  read<P extends string>(route: ReadContract<P>, params: Params<P>, after?: string): Promise<Answer> {
    return this.call('GET', `${pathOf(route, params)}${after === undefined ? '' : `?after=${encodeURIComponent(after)}`}`, 'viewer');
  }

  /** A read that must answer 200: its body. */
  async get<P extends string>(route: ReadContract<P>, params: Params<P>): Promise<unknown> {
    const a = await this.read(route, params);
    if (a.status !== 200) throw new Error(`GET ${pathOf(route, params)}: ${a.status} ${JSON.stringify(a.body)}`);
    return a.body;
  }
}

export function lastEventId(answer: CommandAnswer): string {
  const last = answer.events[answer.events.length - 1];
  if (last === undefined) throw new Error(`a command of ${answer.partnershipId} recorded no event`);
  return last.id;
}
