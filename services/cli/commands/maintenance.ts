import { type CommandSpec } from '../spec';

/* `projections` and `policy validate`: read-model maintenance and policy files (done here, not through the API). */

export const MAINTENANCE_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'projections',
    synopsis: 'rebuild|digest|gaps|status [options]',
    summary: 'read-model maintenance (the projections CLI: partnerflow projections --help)',
    help: [],
    options: {},
    args: [0, Infinity],
    passthrough: true,
    plan: (p) => ({ kind: 'local', action: { type: 'projections', argv: p.args } }),
  },
  {
    name: 'policy validate',
    synopsis: '<file>',
    summary: 'check a policy file (JSON or YAML); print its version and a summary, or what is wrong (exit 1)',
    help: [],
    options: {},
    args: [1, 1],
    plan: (p) => ({ kind: 'local', action: { type: 'policy.validate', file: p.args[0] as string } }),
  },
];
