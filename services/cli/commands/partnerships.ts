import { structureSchema } from '../../../domain/model';
import { partnershipKindSchema, timelineModifierSchema } from '../../../domain/policy/schema';
import { COMMAND } from '../../contract/commands';
import { stageSchema } from '../../contract/responses';
import type { ParamsOf } from '../../contract/paths';
import { READ, type ReadContract } from '../../contract/reads';
import { usageError } from '../errors';
import {
  one,
  many,
  flag,
  pairs,
  attributeValue,
  oneOf,
  body,
  contractOf,
  READ_HELP,
  PAGE_HELP,
  CONTRACT_HELP,
  CONTRACT_OPTIONS,
  PAGE_OPTIONS,
  pageQuery,
} from '../flags';
import * as render from '../render';
import { apiRead, apiWrite, type CommandSpec } from '../spec';

/* `partnerships …`: register, list and read partnerships. */

/**
 * `partnerships <view> <id>`: a read of one partnership's route (`GET /partnerships/{id}/…`), with `--after` and whatever
 * string options `extra` adds (sent as query parameters of the same names).
 */
function partnershipView<P extends `/partnerships/{id}/${string}`>(
  view: string,
  route: ReadContract<P>,
  summary: string,
  renderer: render.Renderer,
  extra: { synopsis?: string; help?: string[]; options?: Record<string, { type: 'string' }> } = {},
): CommandSpec {
  const options = extra.options ?? {};
  return {
    name: `partnerships ${view}`,
    synopsis: extra.synopsis === undefined ? '<id>' : `<id> ${extra.synopsis}`,
    summary,
    help: [...(extra.help ?? []), READ_HELP],
    options,
    args: [1, 1],
    after: true,
    plan: (p) => {
      const query: Record<string, string | undefined> = {};
      for (const name of [...Object.keys(options), 'after']) query[name] = one(p, name);
      return apiRead(route, { id: p.args[0] } as Record<ParamsOf<P>, string>, renderer, query);
    },
  };
}

export const PARTNERSHIP_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'partnerships create',
    synopsis: '--name <name> --partner <partner> --kind <kind> --structure <structure> --owner <person> --pmo-lead <person> --sponsor <person> [options]',
    summary: 'register a partnership (it starts in screening)',
    help: [
      `--kind <kind>            ${partnershipKindSchema.options.join(' | ')}`,
      `--structure <structure>  ${structureSchema.options.join(' | ')}`,
      '--owner, --pmo-lead, --sponsor <person>   people, as the lifecycle names them (e.g. olga.owner)',
      '--id <id>                the partnership id (default: made from the name, e.g. acme-cloud-3f9a1c)',
      '--steering-committee <group>',
      `--modifier <modifier>    repeatable: ${timelineModifierSchema.options.join(', ')}`,
      '--attr <key=value>       repeatable; true/false and plain numbers are sent as such',
      ...CONTRACT_HELP,
    ],
    options: {
      name: { type: 'string' },
      partner: { type: 'string' },
      kind: { type: 'string' },
      structure: { type: 'string' },
      owner: { type: 'string' },
      'pmo-lead': { type: 'string' },
      sponsor: { type: 'string' },
      id: { type: 'string' },
      'steering-committee': { type: 'string' },
      modifier: { type: 'string', multiple: true },
      attr: { type: 'string', multiple: true },
      ...CONTRACT_OPTIONS,
    },
    args: [0, 0],
    write: true,
    plan(p) {
      const c = this.name;
      const kind = one(p, 'kind');
      const structure = one(p, 'structure');
      const modifiers = many(p, 'modifier').map((m) => oneOf(m, timelineModifierSchema.options, '--modifier', c));
      const attrs = pairs(many(p, 'attr'), 'attr', c);
      const b = body(
        p,
        c,
        {
          partnershipId: one(p, 'id'),
          name: one(p, 'name'),
          partner: one(p, 'partner'),
          kind: kind === undefined ? undefined : oneOf(kind, partnershipKindSchema.options, '--kind', c),
          structure: structure === undefined ? undefined : oneOf(structure, structureSchema.options, '--structure', c),
          owner: one(p, 'owner'),
          pmoLead: one(p, 'pmo-lead'),
          executiveSponsor: one(p, 'sponsor'),
          steeringCommittee: one(p, 'steering-committee'),
          modifiers: modifiers.length > 0 ? modifiers : undefined,
          attributes: attrs.length > 0 ? Object.fromEntries(attrs.map(([k, v]) => [k, attributeValue(v)])) : undefined,
          contract: contractOf(p, c),
        },
        [
          ['name', '--name'],
          ['partner', '--partner'],
          ['kind', '--kind'],
          ['structure', '--structure'],
          ['owner', '--owner'],
          ['pmoLead', '--pmo-lead'],
          ['executiveSponsor', '--sponsor'],
        ],
      );
      return apiWrite(COMMAND.registerPartnership, {}, b, 'registered');
    },
  },
  {
    name: 'partnerships list',
    synopsis: '[--stage <stage>] [--kind <kind>] [--owner <person>] [--limit <n>] [--offset <n>]',
    summary: 'list partnerships (summaries)',
    help: [
      `--stage <stage>          ${stageSchema.options.join(' | ')}`,
      `--kind <kind>            ${partnershipKindSchema.options.join(' | ')}`,
      '--owner <person>',
      PAGE_HELP,
      READ_HELP,
    ],
    options: { stage: { type: 'string' }, kind: { type: 'string' }, owner: { type: 'string' }, ...PAGE_OPTIONS },
    args: [0, 0],
    after: true,
    plan(p) {
      const query = { stage: one(p, 'stage'), kind: one(p, 'kind'), owner: one(p, 'owner'), ...pageQuery(p), after: one(p, 'after') };
      return apiRead(READ.listPartnerships, {}, render.partnershipList, query);
    },
  },
  {
    name: 'partnerships show',
    synopsis: '<id> [--state]',
    summary: "a partnership's summary; --state: the live lifecycle state (open tasks, escalations, risks, KPIs)",
    help: ['--state                  ask the lifecycle itself (not a read model); takes no --after', READ_HELP],
    options: { state: { type: 'boolean' } },
    args: [1, 1],
    after: true,
    plan(p) {
      const id = p.args[0] as string;
      if (flag(p, 'state')) {
        if (one(p, 'after') !== undefined) throw usageError('--state reads the lifecycle itself: it takes no --after', this.name);
        return apiRead(READ.getPartnershipState, { id }, render.partnershipState);
      }
      return apiRead(READ.getPartnership, { id }, render.partnershipSummary, { after: one(p, 'after') });
    },
  },
  partnershipView('timeline', READ.getTimeline, "a partnership's audit trail: every event in order, with when and who", render.timeline, {
    synopsis: '[--from <sequence>] [--limit <n>]',
    help: ['--from <sequence>        start at this event (default 1)', '--limit <n>              at most this many events (default 1000, up to 5000)'],
    options: { from: { type: 'string' }, limit: { type: 'string' } },
  }),
  partnershipView('risks', READ.getPartnershipRisks, "a partnership's risks, most severe first", render.partnershipRisks),
  partnershipView(
    'kpis',
    READ.getPartnershipScorecard,
    "a partnership's KPI scorecard: latest value against target, ROI, relationship health",
    render.scorecard,
  ),
];
