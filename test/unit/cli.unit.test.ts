import { ApiClient, baseUrlOf, requestUrl, type ApiRequest } from '../../services/cli/client';
import { attributeValue, kpiDefinition } from '../../services/cli/flags';
import { COMMANDS } from '../../services/cli/registry';
import type { Plan } from '../../services/cli/spec';
import { CliError, EXIT, exitCodeForStatus, problemError, problemMessage } from '../../services/cli/errors';
import type { Io } from '../../services/cli/local';
import { parseCommandLine } from '../../services/cli/parse';
import {
  commandResult,
  duration,
  inbox,
  kpisReport,
  partnershipList,
  partnershipRisks,
  partnershipState,
  scorecard,
  timeline,
  workReport,
} from '../../services/cli/render';
import type { WorkReport } from '../../projections/work-board/read-model';
import { runCli } from '../../services/cli/run';
import { cellText, keyValues, table } from '../../services/cli/table';

/** The plan a command line maps to. */
function plan(argv: string[]): Plan {
  const inv = parseCommandLine(argv);
  if (inv.kind !== 'run') throw new Error(`expected a command, got help for ${argv.join(' ')}`);
  return inv.plan;
}

function request(argv: string[]): ApiRequest {
  const p = plan(argv);
  if (p.kind !== 'api') throw new Error(`expected an API request for ${argv.join(' ')}`);
  return p.request;
}

/** The CliError a command line throws while parsing. */
function failure(argv: string[]): CliError {
  try {
    parseCommandLine(argv);
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error(`expected ${argv.join(' ')} to fail`);
}

const REGISTER = [
  '--name',
  'Acme Cloud',
  '--partner',
  'Acme Ltd',
  '--kind',
  'alliance',
  '--structure',
  'contractual',
  '--owner',
  'olga',
  '--pmo-lead',
  'pat',
  '--sponsor',
  'erin',
];

describe('command line → request', () => {
  test('partnerships create: flags to the registration body, attributes typed, contract, --data merged over', () => {
    const r = request([
      'partnerships',
      'create',
      ...REGISTER,
      '--attr',
      'region=EMEA',
      '--attr',
      'seats=40',
      '--attr',
      'zip=01234',
      '--attr',
      'eu=true',
      '--contract-start',
      '2027-01-01T00:00:00Z',
      '--contract-end',
      '2028-01-01T00:00:00Z',
      '--data',
      '{"steeringCommittee":"board","name":"Acme Cloud EU"}',
    ]);
    expect(r).toEqual({
      method: 'POST',
      path: '/api/v1/partnerships',
      body: {
        name: 'Acme Cloud EU',
        partner: 'Acme Ltd',
        kind: 'alliance',
        structure: 'contractual',
        owner: 'olga',
        pmoLead: 'pat',
        executiveSponsor: 'erin',
        attributes: { region: 'EMEA', seats: 40, zip: '01234', eu: true },
        contract: { start: '2027-01-01T00:00:00.000Z', end: '2028-01-01T00:00:00.000Z' },
        steeringCommittee: 'board',
      },
    });
    expect(request(['partnerships', 'create', ...REGISTER, '--id', 'acme-1']).body).toMatchObject({ partnershipId: 'acme-1' });
  });

  test('a required body field may come from --data instead of its flag', () => {
    const withoutSponsor = REGISTER.slice(0, -2);
    expect(failure(['partnerships', 'create', ...withoutSponsor]).message).toMatch(/^missing --sponsor/);
    expect(request(['partnerships', 'create', ...withoutSponsor, '--data', '{"executiveSponsor":"erin"}']).body).toMatchObject({ executiveSponsor: 'erin' });
  });

  test('reads: list filters, show, --state, inbox and every report', () => {
    expect(request(['partnerships', 'list', '--stage', 'screening', '--owner', 'olga', '--after', 'acme/3'])).toEqual({
      method: 'GET',
      path: '/api/v1/partnerships',
      query: { stage: 'screening', kind: undefined, owner: 'olga', limit: undefined, offset: undefined, after: 'acme/3' },
    });
    expect(request(['partnerships', 'show', 'acme-1'])).toMatchObject({ method: 'GET', path: '/api/v1/partnerships/acme-1' });
    expect(request(['partnerships', 'show', 'acme-1', '--state'])).toEqual({ method: 'GET', path: '/api/v1/partnerships/acme-1/state' });
    expect(request(['partnerships', 'timeline', 'acme-1', '--from', '5', '--limit', '10'])).toEqual({
      method: 'GET',
      path: '/api/v1/partnerships/acme-1/timeline',
      query: { from: '5', limit: '10', after: undefined },
    });
    expect(request(['partnerships', 'risks', 'acme-1', '--after', 'acme-1/9'])).toEqual({
      method: 'GET',
      path: '/api/v1/partnerships/acme-1/risks',
      query: { after: 'acme-1/9' },
    });
    expect(request(['partnerships', 'kpis', 'acme-1']).path).toBe('/api/v1/partnerships/acme-1/kpis');
    expect(request(['inbox'])).toEqual({ method: 'GET', path: '/api/v1/me/inbox', query: { limit: undefined, offset: undefined, after: undefined } });
    expect(request(['inbox', '--limit', '20', '--offset', '40']).query).toMatchObject({ limit: '20', offset: '40' });
    for (const name of ['portfolio', 'cycle-times', 'work', 'calendar', 'kpis', 'risks'])
      expect(request(['reports', name]).path).toBe(`/api/v1/reports/${name}`);
    expect(request(['reports', 'risks', '--min-severity', '10', '--status', 'open']).query).toMatchObject({ minSeverity: '10', status: 'open' });
    expect(request(['reports', 'calendar', '--kind', 'review', '--to', '2027-06-01']).query).toMatchObject({ kind: 'review', to: '2027-06-01' });
  });

  test('score, gate (launch with contract and KPIs), task assign/complete/deadline', () => {
    expect(request(['score', 'acme-1', '--criterion', 'fit=4', '--criterion', 'risk=3.5'])).toEqual({
      method: 'POST',
      path: '/api/v1/partnerships/acme-1/screening/scores',
      body: { scores: { fit: 4, risk: 3.5 } },
    });
    expect(request(['score', 'acme-1', '--criterion', 'fit=4', '--evaluator', 'erin']).body).toEqual({ evaluator: 'erin', scores: { fit: 4 } });

    const gate = request([
      'gate',
      'acme-1',
      'launch',
      'advance',
      '--rationale',
      'ready',
      '--contract-start',
      '2027-01-01T00:00:00Z',
      '--contract-end',
      '2028-01-01T00:00:00Z',
      '--notice-period',
      'P90D',
      '--auto-renew',
      '--kpi',
      'rev:Revenue generated:financial:800000:EUR',
    ]);
    expect(gate).toEqual({
      method: 'POST',
      path: '/api/v1/partnerships/acme-1/gates/launch/decision',
      body: {
        outcome: 'advance',
        rationale: 'ready',
        contract: { start: '2027-01-01T00:00:00.000Z', end: '2028-01-01T00:00:00.000Z', noticePeriod: 'P90D', autoRenew: true },
        kpis: [{ id: 'rev', name: 'Revenue generated', family: 'financial', target: 800000, unit: 'EUR' }],
      },
    });
    expect(request(['gate', 'acme-1', 'dd.final', 'reject', '--rationale', 'no']).path).toBe('/api/v1/partnerships/acme-1/gates/dd.final/decision');

    expect(request(['task', 'assign', 'acme-1', 'dd.preliminary.x', '--owner', 'pat'])).toEqual({
      method: 'POST',
      path: '/api/v1/partnerships/acme-1/tasks/dd.preliminary.x/assign',
      body: { owner: 'pat' },
    });
    expect(
      request([
        'task',
        'complete',
        'acme-1',
        'review.monthly.1',
        '--note',
        'ok',
        '--kpi',
        'rev=900000',
        '--health',
        'trust_index=4',
        '--recommendation',
        'renew',
      ]).body,
    ).toEqual({
      note: 'ok',
      review: { kpiValues: { rev: 900000 }, healthRatings: { trust_index: 4 }, recommendation: 'renew' },
    });
    expect(request(['task', 'complete', 'acme-1', 'x']).body).toEqual({});
    expect(request(['task', 'deadline', 'acme-1', 'x', '--due', '2030-01-01T12:00:00+02:00', '--reason', 'holidays']).body).toEqual({
      dueAt: '2030-01-01T10:00:00.000Z',
      reason: 'holidays',
    });
  });

  test('escalations ack: the reference is one path segment, its slash sent as %2F', () => {
    expect(request(['escalations', 'ack', 'acme-1/dd.preliminary.x:L1', '--note', 'on it'])).toEqual({
      method: 'POST',
      path: '/api/v1/escalations/acme-1%2Fdd.preliminary.x%3AL1/acknowledge',
      body: { note: 'on it' },
    });
  });

  test('tokens, policy and projections are done locally', () => {
    expect(plan(['tokens', 'create', '--name', 'olivia', '--role', 'ops', '--role', 'legal'])).toEqual({
      kind: 'local',
      action: { type: 'tokens.create', name: 'olivia', roles: ['ops', 'legal'] },
    });
    expect(plan(['tokens', 'revoke', 'olivia'])).toEqual({ kind: 'local', action: { type: 'tokens.revoke', idOrName: 'olivia' } });
    expect(plan(['tokens', 'list'])).toEqual({ kind: 'local', action: { type: 'tokens.list' } });
    expect(plan(['policy', 'validate', 'p.yaml'])).toEqual({ kind: 'local', action: { type: 'policy.validate', file: 'p.yaml' } });
    // Everything after `projections` belongs to the projections CLI, unparsed.
    expect(plan(['projections', 'rebuild', '--read-model', 'summary', '--json'])).toEqual({
      kind: 'local',
      action: { type: 'projections', argv: ['rebuild', '--read-model', 'summary', '--json'] },
    });
  });

  test('--json and --idempotency-key are read; --json may come first', () => {
    const inv = parseCommandLine(['--json', 'score', 'a', '--criterion', 'x=1', '--idempotency-key', 'retry-1']);
    expect(inv).toMatchObject({ kind: 'run', json: true, idempotencyKey: 'retry-1' });
  });

  test('usage errors exit 2 with one line naming the command', () => {
    const cases: Array<[string[], RegExp]> = [
      [['nonsense'], /^unknown command "nonsense"/],
      [['partnerships'], /^partnerships needs a subcommand: create, list, show/],
      [['partnerships', 'delete'], /^unknown command "partnerships delete"/],
      [['partnerships', 'list', '--bogus'], /Unknown option '--bogus'.*partnerflow partnerships list --help/],
      [['partnerships', 'show'], /^missing argument/],
      [['partnerships', 'show', 'a', 'b'], /^unexpected argument "b"/],
      [['partnerships', 'show', 'a', '--state', '--after', 'a/1'], /takes no --after/],
      [
        ['partnerships', 'create', ...REGISTER.slice(0, 6), '--kind', 'merger'],
        /--kind must be one of technology, business_development, alliance; got "merger"/,
      ],
      [['gate', 'a', 'screening', 'maybe', '--rationale', 'r'], /the decision must be one of advance, reject/],
      [['gate', 'a', 'due-diligence', 'advance', '--rationale', 'r'], /the gate must be one of screening, dd.preliminary/],
      [['gate', 'a', 'launch', 'advance', '--rationale', 'r', '--contract-start', '2027-01-01'], /needs both --contract-start and --contract-end/],
      [['gate', 'a', 'launch', 'advance', '--rationale', 'r', '--kpi', 'rev:Revenue:money:1'], /a KPI family must be one of/],
      [['gate', 'a', 'screening', 'advance'], /^missing --rationale/],
      [['score', 'a', '--criterion', 'fit'], /--criterion takes key=value/],
      [['score', 'a', '--criterion', 'fit=high'], /the score of fit must be a number/],
      [['score', 'a'], /^missing --criterion/],
      [['task', 'complete', 'a', 't', '--health', 'mood=3'], /a health dimension must be one of/],
      [['task', 'deadline', 'a', 't', '--due', 'soon', '--reason', 'r'], /--due must be a date/],
      [['task', 'complete', 'a', 't', '--data', '[1]'], /--data must be a JSON object/],
      [['task', 'complete', 'a', 't', '--data', '{x'], /--data is not valid JSON/],
      [['escalations', 'ack', 'no-slash'], /an escalation reference is <partnershipId>\/<escalationId>/],
      [['tokens', 'create', '--name', 'x'], /^missing --role/],
      [['tokens', 'create', '--name', 'x', '--role', 'boss'], /--role must be one of admin, ops/],
      [['score', 'a', '--criterion', 'x=1', '--idempotency-key', 'has space'], /--idempotency-key must be/],
      [['--verbose', 'inbox'], /unknown option --verbose/],
    ];
    for (const [argv, pattern] of cases) {
      const e = failure(argv);
      expect({ argv, exitCode: e.exitCode }).toEqual({ argv, exitCode: EXIT.usage });
      expect(e.message).toMatch(pattern);
      expect(e.message).not.toContain('\n');
    }
  });

  test('help: the whole list, a group, a command; none needs the network', () => {
    const top = parseCommandLine(['--help']);
    expect(top).toMatchObject({ kind: 'help', exitCode: 0 });
    const text = (top as { text: string }).text;
    for (const c of COMMANDS) expect(text).toContain(c.name);
    expect(text).toMatch(/exit codes:\n {2}0 {2}ok\n {2}1 .*\n {2}2 .*\n {2}3 .*\n {2}4 .*\n {2}5 .*\n {2}6 /);
    expect(text).toContain('PARTNERFLOW_REDIS_PREFIX');
    expect(parseCommandLine([])).toMatchObject({ kind: 'help', exitCode: 2 });
    expect(parseCommandLine(['task', '--help'])).toMatchObject({
      kind: 'help',
      exitCode: 0,
      text: expect.stringMatching(/^usage: partnerflow task <assign\|complete\|deadline>/),
    });
    for (const c of COMMANDS.filter((c) => !c.passthrough)) {
      const h = parseCommandLine([...c.name.split(' '), '--help']);
      expect(h).toMatchObject({ kind: 'help', exitCode: 0, text: expect.stringContaining(`usage: partnerflow ${c.name}`) });
    }
    expect((parseCommandLine(['gate', '--help']) as { text: string }).text).toMatch(/--idempotency-key/);
    expect((parseCommandLine(['help', 'tokens', 'create']) as { text: string }).text).toMatch(/PARTNERFLOW_REDIS_PREFIX/);
  });

  test('findings, risks, KPI values, issues, renewal and exit: each maps to its route and body', () => {
    const risk = ['--title', 'FX exposure', '--category', 'financial', '--likelihood', '3', '--impact', '4'];
    expect(request(['finding', 'acme-1', ...risk, '--task', 'dd.fin', '--mitigation', 'hedge', '--mitigation', 'cap'])).toEqual({
      method: 'POST',
      path: '/api/v1/partnerships/acme-1/findings',
      body: { title: 'FX exposure', category: 'financial', likelihood: 3, impact: 4, mitigation: ['hedge', 'cap'], taskId: 'dd.fin' },
    });
    expect(request(['risk', 'add', 'acme-1', ...risk, '--owner', 'olga'])).toEqual({
      method: 'POST',
      path: '/api/v1/partnerships/acme-1/risks',
      body: { title: 'FX exposure', category: 'financial', likelihood: 3, impact: 4, owner: 'olga' },
    });
    expect(request(['risk', 'update', 'acme-1', 'risk.2', '--status', 'mitigating', '--likelihood', '2'])).toEqual({
      method: 'PATCH',
      path: '/api/v1/partnerships/acme-1/risks/risk.2',
      body: { likelihood: 2, status: 'mitigating' },
    });
    expect(request(['kpi', 'record', 'acme-1', 'revenue-generated', '900000', '--note', 'Q1'])).toEqual({
      method: 'POST',
      path: '/api/v1/partnerships/acme-1/kpis',
      body: { kpiId: 'revenue-generated', value: 900000, note: 'Q1' },
    });
    expect(request(['issue', 'raise', 'acme-1', '--title', 'Late invoices', '--severity', 'high', '--due', '2027-03-01'])).toEqual({
      method: 'POST',
      path: '/api/v1/partnerships/acme-1/issues',
      body: { title: 'Late invoices', severity: 'high', dueAt: '2027-03-01T00:00:00.000Z' },
    });
    expect(request(['issue', 'resolve', 'acme-1', 'issue.1', '--resolution', 'fixed'])).toEqual({
      method: 'POST',
      path: '/api/v1/partnerships/acme-1/issues/issue.1/resolve',
      body: { resolution: 'fixed' },
    });
    expect(request(['renewal', 'acme-1', 'renew', '--rationale', 'good year', '--term', 'P2Y']).body).toEqual({
      decision: 'renew',
      rationale: 'good year',
      term: 'P2Y',
    });
    expect(request(['renewal', 'acme-1', 'exit', '--rationale', 'done', '--notice-period', 'P30D']).body).toEqual({
      decision: 'exit',
      rationale: 'done',
      noticePeriod: 'P30D',
    });
    expect(
      request([
        'renewal',
        'acme-1',
        'renegotiate',
        '--rationale',
        'new terms',
        '--contract-start',
        '2028-01-01T00:00:00Z',
        '--contract-end',
        '2029-01-01T00:00:00Z',
        '--notice-period',
        'P60D',
      ]).body,
    ).toEqual({
      decision: 'renegotiate',
      rationale: 'new terms',
      contract: { start: '2028-01-01T00:00:00.000Z', end: '2029-01-01T00:00:00.000Z', noticePeriod: 'P60D' },
    });
    expect(request(['exit', 'acme-1', '--reason', 'strategy changed'])).toEqual({
      method: 'POST',
      path: '/api/v1/partnerships/acme-1/exit',
      body: { reason: 'strategy changed' },
    });
  });

  test('their bad flags are usage errors naming the flag, before anything is sent', () => {
    expect(failure(['finding', 'acme-1', '--title', 't', '--category', 'financial', '--likelihood', '3']).message).toMatch(/^missing --impact/);
    expect(failure(['risk', 'add', 'acme-1', '--title', 't', '--category', 'money', '--likelihood', '3', '--impact', '3', '--owner', 'o']).message).toMatch(
      /--category must be one of strategic/,
    );
    expect(failure(['risk', 'add', 'acme-1', '--title', 't', '--category', 'financial', '--likelihood', '6', '--impact', '3', '--owner', 'o']).message).toMatch(
      /--likelihood is a rating from 1 to 5, got "6"/,
    );
    expect(failure(['risk', 'update', 'acme-1', 'risk.1', '--note', 'n']).message).toMatch(/nothing to change/);
    expect(failure(['kpi', 'record', 'acme-1', 'revenue', 'lots']).message).toMatch(/the value of KPI revenue must be a number, got "lots"/);
    expect(failure(['issue', 'raise', 'acme-1', '--title', 't', '--severity', 'urgent']).message).toMatch(/--severity must be one of/);
    expect(failure(['renewal', 'acme-1', 'renegotiate', '--rationale', 'r']).message).toMatch(/missing --contract-start and --contract-end/);
    expect(failure(['renewal', 'acme-1', 'extend', '--rationale', 'r']).message).toMatch(/the decision must be one of renew, renegotiate, exit/);
    expect(failure(['exit', 'acme-1']).message).toMatch(/^missing --reason/);
    expect(parseCommandLine(['issue', '--help'])).toMatchObject({ kind: 'help', text: expect.stringMatching(/^usage: partnerflow issue <raise\|resolve>/) });
  });

  test('flag values: attributes, KPI definitions', () => {
    expect([attributeValue('40'), attributeValue('2.5'), attributeValue('007'), attributeValue('false'), attributeValue(''), attributeValue('1e3')]).toEqual([
      40,
      2.5,
      '007',
      false,
      '',
      '1e3',
    ]);
    expect(kpiDefinition('nps:Net promoter:relationship:40', 'gate')).toEqual({ id: 'nps', name: 'Net promoter', family: 'relationship', target: 40 });
    expect(() => kpiDefinition('nps:40', 'gate')).toThrow(/id:name:family:target/);
  });
});

describe('tables', () => {
  test('columns aligned, headers upper-case, numbers to the right, trailing spaces trimmed', () => {
    expect(
      table(
        ['id', 'name', 'score'],
        [
          ['acme-1', 'Acme', 4.25],
          ['b', 'Beta Partners', 12],
        ],
      ),
    ).toBe(['ID      NAME           SCORE', 'acme-1  Acme            4.25', 'b       Beta Partners     12', ''].join('\n'));
  });

  test('empty tables, missing values, booleans, lists, objects, long and multi-line cells', () => {
    expect(table(['a'], [])).toBe('(none)\n');
    expect(table(['a'], [], { empty: 'nothing here' })).toBe('nothing here\n');
    expect([
      cellText(null),
      cellText(undefined),
      cellText(''),
      cellText(true),
      cellText(false),
      cellText(['a', 'b']),
      cellText([]),
      cellText({ a: 1 }),
      cellText(1 / 3),
    ]).toEqual(['-', '-', '-', 'yes', 'no', 'a, b', '-', '{"a":1}', '0.333']);
    expect(cellText('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(cellText('two\nlines')).toBe('two lines');
    // A column with a missing value is still a number column.
    expect(
      table(
        ['n', 'v'],
        [
          ['a', 1],
          ['bb', null],
        ],
      ),
    ).toBe('N   V\na   1\nbb  -\n');
  });

  test('key/value blocks', () => {
    expect(
      keyValues([
        ['stage', 'screening'],
        ['open tasks', 3],
        ['contract', null],
      ]),
    ).toBe('stage       screening\nopen tasks  3\ncontract    -\n');
  });

  test('renderers: a command answer and a list', () => {
    const out = commandResult('registered')({
      partnershipId: 'acme-1',
      actor: { id: 'pat', role: 'ops' },
      events: [
        { id: 'acme-1/1', type: 'PartnershipRegistered', sequence: 1 },
        { id: 'acme-1/2', type: 'TaskOpened', sequence: 2 },
      ],
      state: { stage: 'due_diligence', phase: 'preliminary', openTasks: [{}, {}] },
    });
    expect(out).toMatch(
      /^registered\npartnership {2}acme-1\nstage {8}due_diligence \(preliminary\)\nacted as {5}pat \(ops\)\nopen tasks {3}2\nlast event {3}acme-1\/2 /,
    );
    expect(out).toMatch(/SEQ {2}EVENT ID {2}TYPE\n {2}1 {2}acme-1\/1 {2}PartnershipRegistered\n/);
    const list = partnershipList({
      total: 3,
      offset: 0,
      limit: 1,
      items: [{ partnershipId: 'acme-1', name: 'Acme', stage: 'screening', phase: null, kind: 'alliance', owner: 'olga', compositeScore: null, openTasks: 1 }],
    });
    expect(list).toMatch(/^ID {6}NAME {2}STAGE {6}KIND {6}OWNER/);
    expect(list).toContain('1–1 of 3 (more with --offset)');
    expect(partnershipList({ total: 0, items: [] })).toBe('no partnerships match\n');
    const trail = timeline({
      partnershipId: 'acme-1',
      events: 3,
      firstAt: '2026-01-01T00:00:00.000Z',
      lastAt: '2026-01-02T00:00:00.000Z',
      lastType: 'TaskOpened',
      entries: [
        { sequence: 1, type: 'PartnershipRegistered', version: 1, at: '2026-01-01T00:00:00.000Z', actor: { id: 'pat', role: 'ops' } },
        { sequence: 2, type: 'TaskOpened', version: 1, at: '2026-01-02T00:00:00.000Z', actor: { id: 'partnerflow', role: 'system' } },
      ],
    });
    expect(trail).toMatch(/^id {10}acme-1\nevents {6}3\n/);
    expect(trail).toMatch(
      /SEQ {2}AT {24}EVENT {18}V {2}BY\n {2}1 {2}2026-01-01T00:00:00.000Z {2}PartnershipRegistered {2}1 {2}pat \(ops\)\n {2}2 .* {2}partnerflow \(system\)\n/,
    );
    expect(trail).toContain('more from --from 3');
    expect(
      partnershipRisks([{ partnershipId: 'acme-1', riskId: 'r-1', severity: 12, status: 'open', category: 'financial', owner: 'olga', title: 'FX exposure' }]),
    ).toBe(['RISK  SEVERITY  STATUS  CATEGORY   OWNER  TITLE', 'r-1         12  open    financial  olga   FX exposure', ''].join('\n'));
    expect(partnershipRisks([])).toBe('no risks recorded\n');
    const task = {
      partnershipId: 'acme-1',
      taskId: 'dd.1',
      kind: 'checklist' as const,
      title: 'Financials',
      owner: 'olga',
      dueAt: '2026-01-05T00:00:00.000Z',
      openedAt: '2026-01-01T00:00:00.000Z',
    };
    const work = workReport({
      at: '2026-01-06T00:00:00.000Z',
      openTasks: { total: 3, offset: 0, limit: 1, items: [task] },
      overdue: { total: 1, offset: 0, limit: 1, items: [task] },
      escalations: {
        total: 2,
        offset: 0,
        limit: 1,
        items: [
          {
            partnershipId: 'acme-1',
            escalationId: 'dd.1:0:L1',
            taskId: 'dd.1',
            step: 'L1',
            addressee: { role: 'pmo_lead', id: 'pat' },
            firedAt: '2026-01-05T00:00:00.000Z',
            respondBy: null,
            acknowledgedAt: null,
            ageMs: 86_400_000,
          },
        ],
        byLevel: { L1: 1, L2: 1 },
        byAddressee: { pat: 1, sam: 1 },
      },
    } satisfies WorkReport)
      .split('\n')
      .map((l) => l.trimEnd());
    expect(work).toContain('1–1 of 3 (more with --offset)');
    expect(work).toContain('acme-1/dd.1:0:L1  L1     pat (pmo_lead)  1d 0h  -');
    expect(work).toContain('1–1 of 2 (more with --offset)');
    expect(work).toContain('by level: L1 1, L2 1');
    expect(work).toContain('by addressee: pat 1, sam 1');
    const state = partnershipState({
      partnershipId: 'acme-1',
      openTasks: [],
      openEscalations: [
        { id: 'dd.1:0:L1', taskId: 'dd.1', level: 'L1', addressee: { role: 'pmo_lead', id: 'pat' }, at: '2026-01-05T00:00:00.000Z', acknowledgedAt: null },
      ],
    });
    expect(state.split('\n').map((l) => l.trimEnd())).toContain('acme-1/dd.1:0:L1  L1     pat (pmo_lead)  2026-01-05T00:00:00.000Z  -');
    const kpiLines = kpisReport({
      total: 3,
      offset: 0,
      limit: 2,
      items: [
        { partnershipId: 'acme-1', roi: { gain: 900, cost: 300, roi: 2 }, kpis: [], health: {} },
        { partnershipId: 'acme-2', roi: null, kpis: [], health: {} },
      ],
    })
      .split('\n')
      .map((l) => l.trimEnd());
    expect(kpiLines).toContain('acme-1       2');
    expect(kpiLines).toContain('acme-2       not yet (needs a gain and a cost KPI)');
    expect(kpiLines).toContain('1–2 of 3 (more with --offset)');
    // A list shown whole has no footer.
    expect(work.filter((l) => l.startsWith('1–1 of 1'))).toEqual([]);
    const item = {
      partnershipId: 'acme-1',
      escalationId: 'dd.1:0:L1',
      kind: 'escalation',
      step: 'L1',
      firedAt: '2026-01-05T00:00:00.000Z',
      respondBy: null,
      taskTitle: 'Legal review',
    };
    const inboxPage = inbox({ person: 'pat', total: 3, offset: 1, limit: 1, items: [item] })
      .split('\n')
      .map((l) => l.trimEnd());
    expect(inboxPage[0]).toBe('inbox of pat');
    expect(inboxPage).toContain('2–2 of 3 (more with --offset)');
    expect(inbox({ person: 'pat', total: 1, offset: 0, limit: 100, items: [item] })).not.toMatch(/ of 1/);
    expect(inbox({ person: 'pat', total: 0, offset: 0, limit: 100, items: [] })).toContain('nothing in the inbox');
    const card = scorecard({
      partnershipId: 'acme-1',
      roi: { gain: 900, cost: 300, roi: 2 },
      kpis: [
        {
          kpiId: 'revenue',
          family: 'financial',
          direction: 'higher_is_better',
          target: 800,
          latest: { value: 900, at: 'x' },
          met: true,
          unit: 'EUR',
          trend: [{}, {}],
        },
      ],
      health: { trust_index: { rating: 4, at: '2026-01-01T00:00:00.000Z' } },
    });
    expect(card).toMatch(/^id {3}acme-1\nroi {2}2 \(gain 900, cost 300\)\n/);
    expect(card.split('\n').map((l) => l.trimEnd())).toContain('revenue  financial  higher_is_better     800     900  yes  EUR        2');
    expect(card.split('\n').map((l) => l.trimEnd())).toContain('trust_index       4  2026-01-01T00:00:00.000Z');
    expect(scorecard({ partnershipId: 'acme-2', roi: null, kpis: [], health: {} })).toContain('no KPIs defined yet');
    expect([duration(850), duration(61_000), duration(3_720_000), duration(90_000_000), duration(null)]).toEqual(['850ms', '1m 1s', '1h 2m', '1d 1h', '-']);
  });
});

describe('problems → one line and an exit code', () => {
  test('HTTP status → exit code', () => {
    expect([200, 201, 400, 422, 413, 429, 401, 403, 404, 409, 500, 502, 503].map(exitCodeForStatus)).toEqual([0, 0, 1, 1, 1, 1, 3, 3, 4, 5, 6, 6, 6]);
  });

  test('the detail, the fields it does not name, and [status code]', () => {
    const conflict = {
      type: 'urn:partnerflow:problem:wrong_stage',
      title: 'Conflict',
      status: 409,
      detail: 'the partnership is in due_diligence',
      code: 'wrong_stage',
    };
    expect(problemMessage(409, conflict)).toBe('the partnership is in due_diligence [409 wrong_stage]');
    expect(problemError(409, conflict).exitCode).toBe(EXIT.conflict);

    const validation = {
      status: 400,
      title: 'Bad Request',
      detail: 'body.name: required (string)',
      code: 'malformed_request',
      errors: [
        { field: 'body.name', message: 'required (string)' },
        { field: 'body.kind', message: 'invalid option' },
      ],
    };
    expect(problemMessage(400, validation)).toBe('body.name: required (string) (fields: body.kind: invalid option) [400 malformed_request]');
    expect(problemMessage(422, { detail: 'multi\nline\n  detail', errors: [{ field: 'body.x', message: '' }] })).toBe(
      'multi line detail (fields: body.x) [422]',
    );
    expect(problemMessage(502, '<html>\n<body>Bad gateway</body></html>')).toBe('the server answered HTTP 502: <html> <body>Bad gateway</body></html>');
    expect(problemMessage(500, undefined)).toBe('the server answered HTTP 500');
  });
});

describe('the HTTP client', () => {
  interface Call {
    url: string;
    init: RequestInit;
  }
  const jsonAnswer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers } });

  function fakeFetch(answers: Array<Response | Error>): { fetch: typeof fetch; calls: Call[] } {
    const calls: Call[] = [];
    const f = (async (url: string | URL | Request, init?: RequestInit) => {
      calls.push({ url: typeof url === 'string' ? url : url instanceof URL ? url.href : url.url, init: init ?? {} });
      const next = answers.shift();
      if (next === undefined) throw new Error('no more answers');
      if (next instanceof Error) throw next;
      return next;
    }) as typeof fetch;
    return { fetch: f, calls };
  }
  const refused = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
  const header = (c: Call, name: string) => (c.init.headers as Record<string, string>)[name];

  test('the base URL: default, trailing slash, bad values', () => {
    expect(baseUrlOf(undefined)).toBe('http://127.0.0.1:8080');
    expect(baseUrlOf(' https://pf.example.com/ops/ ')).toBe('https://pf.example.com/ops');
    expect(() => baseUrlOf('not a url')).toThrow(CliError);
    expect(() => baseUrlOf('ftp://x')).toThrow(/http:\/\/ or https:\/\//);
    expect(requestUrl('http://h', { path: '/api/v1/partnerships', query: { stage: 'screening', kind: undefined, owner: 'a b' } })).toBe(
      'http://h/api/v1/partnerships?stage=screening&owner=a+b',
    );
  });

  test('a POST carries the bearer token, JSON and an Idempotency-Key; a GET no key', async () => {
    const { fetch, calls } = fakeFetch([jsonAnswer(201, { ok: 1 }), jsonAnswer(200, { items: [] })]);
    const client = new ApiClient({ baseUrl: 'http://h', token: 'pf_t', fetch });
    const answer = await client.send({ method: 'POST', path: '/api/v1/partnerships', body: { name: 'x' } });
    expect(answer).toEqual({ status: 201, body: { ok: 1 }, replayed: false });
    const post = calls[0] as Call;
    expect(post.url).toBe('http://h/api/v1/partnerships');
    expect(post.init.method).toBe('POST');
    expect(post.init.body).toBe('{"name":"x"}');
    expect(header(post, 'authorization')).toBe('Bearer pf_t');
    expect(header(post, 'content-type')).toBe('application/json');
    expect(header(post, 'idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    await client.send({ method: 'GET', path: '/api/v1/partnerships' });
    expect(header(calls[1] as Call, 'idempotency-key')).toBeUndefined();
    expect((calls[1] as Call).init.body).toBeUndefined();
  });

  test('a network failure or a 503 is retried with the same Idempotency-Key; a replay is reported', async () => {
    const { fetch, calls } = fakeFetch([
      refused(),
      jsonAnswer(503, { detail: 'busy', code: 'unavailable' }, { 'retry-after': '1' }),
      jsonAnswer(200, { ok: 1 }, { 'idempotent-replayed': 'true' }),
    ]);
    const sleeps: number[] = [];
    const client = new ApiClient({ token: 't', idempotencyKey: 'k-1', fetch, sleep: async (ms) => sleeps.push(ms) });
    const answer = await client.send({ method: 'POST', path: '/x', body: {} });
    expect(answer.replayed).toBe(true);
    expect(calls.map((c) => header(c, 'idempotency-key'))).toEqual(['k-1', 'k-1', 'k-1']);
    expect(sleeps).toEqual([250, 1000]);
  });

  test('failures become CliErrors with their exit code', async () => {
    const noRetry = { token: 't', retries: 0 };
    const conflict = new ApiClient({ ...noRetry, fetch: fakeFetch([jsonAnswer(409, { detail: 'already decided', code: 'wrong_stage' })]).fetch });
    await expect(conflict.send({ method: 'POST', path: '/x' })).rejects.toMatchObject({
      exitCode: EXIT.conflict,
      message: 'already decided [409 wrong_stage]',
    });

    const down = new ApiClient({ ...noRetry, baseUrl: 'http://127.0.0.1:1', fetch: fakeFetch([refused()]).fetch });
    await expect(down.send({ method: 'GET', path: '/x' })).rejects.toMatchObject({
      exitCode: EXIT.unavailable,
      message: expect.stringMatching(/^cannot reach partnerflow at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/),
    });

    const reset = new ApiClient({
      ...noRetry,
      idempotencyKey: 'k-9',
      fetch: fakeFetch([Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })]).fetch,
    });
    await expect(reset.send({ method: 'POST', path: '/x' })).rejects.toMatchObject({
      exitCode: EXIT.unavailable,
      message: expect.stringContaining('--idempotency-key k-9'),
    });

    const broken = new ApiClient({ ...noRetry, fetch: fakeFetch([jsonAnswer(500, { detail: 'bug, ref 1', code: 'internal_error' })]).fetch });
    await expect(broken.send({ method: 'GET', path: '/x' })).rejects.toMatchObject({ exitCode: EXIT.unavailable });

    const anonymous = new ApiClient({ fetch: fakeFetch([]).fetch });
    await expect(anonymous.send({ method: 'GET', path: '/x' })).rejects.toMatchObject({
      exitCode: EXIT.auth,
      message: expect.stringContaining('PARTNERFLOW_TOKEN'),
    });
  });
});

describe('runCli', () => {
  function io(env: NodeJS.ProcessEnv = {}): Io & { stdout: string; stderr: string } {
    const out = { stdout: '', stderr: '', env, out: (t: string) => void (out.stdout += t), err: (t: string) => void (out.stderr += t) };
    return out;
  }

  test('help on stdout with 0; no command: help on stderr with 2; usage errors: one line, 2', async () => {
    let o = io();
    expect(await runCli(['--help'], o)).toBe(0);
    expect(o.stdout).toMatch(/^usage: partnerflow/);
    o = io();
    expect(await runCli([], o)).toBe(2);
    expect(o.stdout).toBe('');
    expect(o.stderr).toMatch(/^usage: partnerflow/);
    o = io();
    expect(await runCli(['gate', 'a', 'screening', 'maybe'], o)).toBe(2);
    expect(o.stderr).toMatch(/^error: the decision must be one of advance, reject; got "maybe" \(see: partnerflow gate --help\)\n$/);
  });

  test('no token: exit 3 before any request; a bad PARTNERFLOW_URL: exit 2', async () => {
    let o = io({ PARTNERFLOW_URL: 'http://127.0.0.1:1' });
    expect(await runCli(['inbox'], o)).toBe(3);
    expect(o.stderr).toMatch(/^error: set PARTNERFLOW_TOKEN/);
    o = io({ PARTNERFLOW_URL: 'nowhere', PARTNERFLOW_TOKEN: 't' });
    expect(await runCli(['inbox'], o)).toBe(2);
    expect(o.stderr).toMatch(/^error: PARTNERFLOW_URL is not a URL/);
    o = io({ PARTNERFLOW_TOKEN: 't', PARTNERFLOW_RETRIES: 'lots' });
    expect(await runCli(['inbox'], o)).toBe(2);
  });
});
