import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compressedPolicy, defaultPolicy } from '../../domain/policy';
import { startApiSystem, type ApiSystem } from '../support/api';
import { people } from '../support/lifecycle';

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'services', 'cli', 'main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI as a child process, as a person or a script runs it. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses `--json` output. */
function json<T>(run: Run): T {
  return JSON.parse(run.stdout) as T;
}

/** An error is one line on stderr starting `error: `. */
function expectOneLineError(run: Run, pattern?: RegExp): void {
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: \S/);
  if (pattern !== undefined) expect(lines[0]).toMatch(pattern);
}

interface CommandAnswer {
  partnershipId: string;
  events: Array<{ id: string; type: string; sequence: number }>;
  state: { stage: string; phase: string | null; openTasks: Array<{ id: string; kind: string; owner: string; legal: boolean }> };
}

const lastEvent = (a: CommandAnswer): string => (a.events[a.events.length - 1] as { id: string }).id;

describe('the partnerflow CLI against the real system', () => {
  let sys: ApiSystem;
  let env: Record<string, string>;
  let dir: string;
  const as = (token: string) => ({ ...env, PARTNERFLOW_TOKEN: token });
  let opsToken: string;
  let execToken: string;
  let id: string;
  let last: string;

  beforeAll(async () => {
    // The CLI under test is the compiled one, as `bin/partnerflow.js` runs it.
    const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const ours = build.stdout.split('\n').filter((l) => /services[\\/]cli|projections[\\/]cli\.ts/.test(l));
    if (ours.length > 0) throw new Error(`the CLI does not compile:\n${ours.join('\n')}`);
    sys = await startApiSystem('cli', { policy: compressedPolicy });
    env = { PARTNERFLOW_URL: sys.url, PARTNERFLOW_REDIS_PREFIX: sys.prefix, REDIS_URL: sys.cfg.redis.url, PARTNERFLOW_TOKEN: '' };
    dir = mkdtempSync(path.join(tmpdir(), 'partnerflow-cli-'));
  });
  afterAll(async () => {
    await sys?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('bin/partnerflow.js runs the built CLI', async () => {
    const r = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'partnerflow.js'), '--help'], { cwd: ROOT });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: partnerflow <command>/);
    expect(r.stdout).toContain('exit codes:');
  });

  test('tokens create prints the token once, and it works against the API', async () => {
    const r = await cli(['tokens', 'create', '--name', people.ops.id, '--role', 'ops'], env);
    expect(r.code).toBe(0);
    const tokens = r.stdout.match(/pf_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/g) ?? [];
    expect(tokens).toHaveLength(1);
    opsToken = tokens[0] as string;
    expect(r.stdout).toMatch(/shown only this once/);

    const j = await cli(['tokens', 'create', '--name', people.exec.id, '--role', 'exec', '--json'], env);
    expect(j.code).toBe(0);
    const created = json<{ token: string; tokenId: string; name: string; roles: string[] }>(j);
    expect(created).toMatchObject({ name: people.exec.id, roles: ['exec'] });
    execToken = created.token;

    const listed = await cli(['tokens', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${created.tokenId}\\s+${people.exec.id.replace('.', '\\.')}\\s+exec`));
    expect(listed.stdout).not.toContain(execToken);
  });

  test('partnerships create → list → show', async () => {
    const r = await cli(
      ['partnerships', 'create', '--name', 'CLI Cloud Alliance', '--partner', 'CLI Cloud Ltd', '--kind', 'alliance', '--structure', 'contractual'].concat([
        '--owner',
        people.owner.id,
        '--pmo-lead',
        people.ops.id,
        '--sponsor',
        people.exec.id,
        '--attr',
        'region=EMEA',
        '--attr',
        'seats=40',
      ]),
      as(opsToken),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^registered\n/);
    id = (/^partnership\s+(\S+)$/m.exec(r.stdout) as RegExpExecArray)[1] as string;
    expect(id).toMatch(/^cli-cloud-alliance-[0-9a-f]{6}$/);
    expect(r.stdout).toMatch(/^stage\s+screening$/m);
    expect(r.stdout).toMatch(/^acted as\s+pat\.pmo \(ops\)$/m);
    last = (/^last event\s+(\S+)/m.exec(r.stdout) as RegExpExecArray)[1] as string;
    expect(r.stdout).toMatch(/PartnershipRegistered/);

    const list = await cli(['partnerships', 'list', '--stage', 'screening', '--after', last], as(opsToken));
    expect(list.code).toBe(0);
    const [header, ...rows] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+STAGE\s+KIND\s+OWNER/);
    expect(rows.find((l) => l.startsWith(id))).toMatch(new RegExp(`^${id}\\s+CLI Cloud Alliance\\s+screening\\s+alliance\\s+olga\\.owner`));

    const listJson = await cli(['partnerships', 'list', '--kind', 'alliance', '--json'], as(opsToken));
    expect(json<{ items: Array<{ partnershipId: string }> }>(listJson).items.map((s) => s.partnershipId)).toContain(id);

    const show = await cli(['partnerships', 'show', id, '--after', last], as(opsToken));
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`^id\\s+${id}$`, 'm'));
    expect(show.stdout).toMatch(/^sponsor\s+erin\.sponsor$/m);

    // The audit trail: the registration (and what it opened), each event with who caused it.
    const trail = await cli(['partnerships', 'timeline', id, '--after', last], as(opsToken));
    expect(trail.code).toBe(0);
    expect(trail.stdout).toMatch(new RegExp(`^id\\s+${id}$`, 'm'));
    expect(trail.stdout).toMatch(/^\s+1\s+\S+\s+PartnershipRegistered\s+1\s+\S+ \(ops\)$/m);
    const trailJson = json<{ events: number; entries: Array<{ sequence: number }> }>(
      await cli(['partnerships', 'timeline', id, '--json', '--from', '2'], as(opsToken)),
    );
    expect(trailJson.entries[0]?.sequence).toBe(2);
    expect(trailJson.entries).toHaveLength(trailJson.events - 1);

    // In screening: a scorecard without KPIs yet, and no risks.
    const kpis = await cli(['partnerships', 'kpis', id, '--after', last], as(opsToken));
    expect([kpis.code, kpis.stdout]).toEqual([0, expect.stringContaining('no KPIs defined yet')]);
    const risks = await cli(['partnerships', 'risks', id, '--json', '--after', last], as(opsToken));
    expect([risks.code, json<unknown[]>(risks)]).toEqual([0, []]);

    const state = await cli(['partnerships', 'show', id, '--state', '--json'], as(opsToken));
    expect(json<{ stage: string; policyVersion: string }>(state)).toMatchObject({ stage: 'screening', policyVersion: compressedPolicy.version });
  });

  test('score and gate advance', async () => {
    const criteria = compressedPolicy.screening.criteria.flatMap((c) => ['--criterion', `${c.id}=4`]);
    const score = await cli(['score', id, ...criteria, '--json'], as(execToken));
    expect(score.code).toBe(0);
    expect(json<CommandAnswer>(score).events.map((e) => e.type)).toContain('ScreeningScoreSubmitted');

    const gate = await cli(['gate', id, 'screening', 'advance', '--rationale', 'strong fit'], as(execToken));
    expect(gate.code).toBe(0);
    expect(gate.stdout).toMatch(/^screening gate: advanced$/m);
    expect(gate.stdout).toMatch(/^stage\s+due_diligence \(preliminary\)$/m);
    last = (/^last event\s+(\S+)/m.exec(gate.stdout) as RegExpExecArray)[1] as string;
  });

  test('task assign (retried with the same Idempotency-Key) and task complete', async () => {
    const state = json<CommandAnswer['state']>(await cli(['partnerships', 'show', id, '--state', '--json'], as(opsToken)));
    const task = state.openTasks.find((t) => t.kind === 'checklist' && !t.legal);
    expect(task).toBeDefined();
    const taskId = (task as { id: string }).id;

    const assign = ['task', 'assign', id, taskId, '--owner', people.ops.id, '--idempotency-key', `cli-test-${id}`];
    const first = await cli(assign, as(opsToken));
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`task ${taskId} assigned to ${people.ops.id}`);
    const again = await cli(assign, as(opsToken));
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/replayed/);
    expect(again.stdout).toBe(first.stdout);

    const done = await cli(['task', 'complete', id, taskId, '--note', 'checked', '--json'], as(opsToken));
    expect(done.code).toBe(0);
    const answer = json<CommandAnswer>(done);
    expect(answer.events.map((e) => e.type)).toContain('TaskCompleted');
    expect(answer.state.openTasks.map((t) => t.id)).not.toContain(taskId);
    last = lastEvent(answer);
  });

  test('finding, risk update, issue raise/resolve; a KPI value and notice are refused in due diligence', async () => {
    const finding = await cli(
      ['finding', id, '--title', 'Key-person dependency', '--category', 'operational', '--likelihood', '3', '--impact', '4', '--json'],
      as(opsToken),
    );
    expect(finding.stderr).toBe('');
    expect(finding.code).toBe(0);
    const recorded = json<CommandAnswer>(finding);
    expect(recorded.events.map((e) => e.type)).toContain('FindingRecorded');
    const risks = json<Array<{ riskId: string; title: string; severity: number; status: string }>>(
      await cli(['partnerships', 'risks', id, '--json', '--after', lastEvent(recorded)], as(opsToken)),
    );
    expect(risks).toEqual([expect.objectContaining({ title: 'Key-person dependency', severity: 12, status: 'open' })]);
    const riskId = (risks[0] as { riskId: string }).riskId;

    const update = await cli(['risk', 'update', id, riskId, '--status', 'mitigating', '--mitigation', 'second engineer hired'], as(opsToken));
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(new RegExp(`^risk ${riskId.replace('.', '\\.')} updated$`, 'm'));
    const updated = (/^last event\s+(\S+)/m.exec(update.stdout) as RegExpExecArray)[1] as string;
    const after = await cli(['partnerships', 'risks', id, '--after', updated], as(opsToken));
    expect(after.stdout).toMatch(new RegExp(`^${riskId.replace('.', '\\.')}\\s+12\\s+mitigating\\s+operational`, 'm'));

    const raised = json<CommandAnswer>(await cli(['issue', 'raise', id, '--title', 'Data room incomplete', '--severity', 'medium', '--json'], as(opsToken)));
    expect(raised.events.map((e) => e.type)).toContain('IssueRaised');
    const issue = raised.state.openTasks.find((t) => t.kind === 'issue') as { id: string };
    expect(issue).toBeDefined();
    const resolved = json<CommandAnswer>(await cli(['issue', 'resolve', id, issue.id, '--resolution', 'uploaded', '--json'], as(opsToken)));
    expect(resolved.events.map((e) => e.type)).toContain('IssueResolved');
    expect(resolved.state.openTasks.map((t) => t.id)).not.toContain(issue.id);
    last = lastEvent(resolved);

    // KPIs are defined at the launch gate: none exists yet (4, with the hint). Notice is the sponsor's call (ops: 3) and
    // needs a running contract (5).
    const kpi = await cli(['kpi', 'record', id, 'revenue-generated', '1'], as(opsToken));
    expect(kpi.code).toBe(4);
    expectOneLineError(kpi, /no KPIs are defined yet: they are defined at the launch gate/);
    const opsNotice = await cli(['exit', id, '--reason', 'changed our mind'], as(opsToken));
    expect(opsNotice.code).toBe(3);
    expectOneLineError(opsNotice, /\[403 forbidden\]$/);
    const notice = await cli(['exit', id, '--reason', 'changed our mind'], as(execToken));
    expect(notice.code).toBe(5);
    expectOneLineError(notice, /\[409 \w+\]$/);
  });

  test('reports portfolio --json', async () => {
    const r = await cli(['reports', 'portfolio', '--json', '--after', last], as(opsToken));
    expect(r.code).toBe(0);
    const report = json<{ byStage: Record<string, string[]>; funnel: { screened: number }; counts: { byStage: Record<string, number> } }>(r);
    expect(report.byStage.due_diligence).toContain(id);
    expect(report.funnel.screened).toBe(1);
    const table = await cli(['reports', 'portfolio'], as(opsToken));
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^due_diligence\s+1$/m);
  });

  test('an invalid transition exits 5 with one line', async () => {
    const r = await cli(['gate', id, 'screening', 'advance', '--rationale', 'again'], as(execToken));
    expect(r.code).toBe(5);
    expectOneLineError(r, /\[409 \w+\]$/);
    expect(r.stdout).toBe('');
  });

  test('forbidden exits 3; unknown things exit 4; bad flags exit 2', async () => {
    const viewer = await cli(
      [
        'partnerships',
        'create',
        '--name',
        'x',
        '--partner',
        'y',
        '--kind',
        'alliance',
        '--structure',
        'contractual',
        '--owner',
        'o',
        '--pmo-lead',
        'p',
        '--sponsor',
        's',
      ],
      as(sys.tokens.viewer),
    );
    expect(viewer.code).toBe(3);
    expectOneLineError(viewer, /\[403 forbidden\]$/);

    const noToken = await cli(['partnerships', 'list'], env);
    expect(noToken.code).toBe(3);
    expectOneLineError(noToken, /PARTNERFLOW_TOKEN/);

    const unknown = await cli(['partnerships', 'show', 'no-such-partnership-0000'], as(opsToken));
    expect(unknown.code).toBe(4);
    expectOneLineError(unknown, /no-such-partnership-0000/);

    const task = await cli(['task', 'complete', id, 'dd.no-such-item'], as(opsToken));
    expect(task.code).toBe(4);
    expectOneLineError(task);

    // The reference's slash travels as %2F: the route is found, the escalation is not.
    const ack = await cli(['escalations', 'ack', `${id}/dd.no-such-item:L1`, '--note', 'seen'], as(opsToken));
    expect(ack.code).toBe(4);
    expectOneLineError(ack);
    expect(ack.stderr).not.toMatch(/no route/);

    for (const args of [
      ['partnerships', 'create', '--name', 'x', '--bogus'],
      ['partnerships', 'create', '--name', 'x'],
      ['gate', id, 'screening', 'maybe', '--rationale', 'r'],
      ['score', id, '--criterion', 'fit=high'],
      ['partnerships', 'show'],
      ['nonsense'],
      ['task', 'complete', id, 't', '--data', '{not json'],
    ]) {
      const r = await cli(args, as(opsToken));
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expectOneLineError(r);
    }

    const validation = await cli(['task', 'deadline', id, 'dd.x', '--due', '2030-01-01T00:00:00Z', '--reason', 'r', '--data', '{"surprise":1}'], as(opsToken));
    expect(validation.code).toBe(1);
    expectOneLineError(validation, /body\.surprise/);
  });

  test('tokens revoke, then the revoked token exits 3', async () => {
    const before = await cli(['partnerships', 'list'], as(opsToken));
    expect(before.code).toBe(0);
    // By id: the persona tokens of startApiSystem share the person's name.
    const tokenId = (/^pf_([0-9a-f]{16})_/.exec(opsToken) as RegExpExecArray)[1] as string;
    const r = await cli(['tokens', 'revoke', tokenId], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^revoked 1 token:\\n.*\\n${tokenId}\\s+pat\\.pmo\\s+ops`));
    const after = await cli(['partnerships', 'list'], as(opsToken));
    expect(after.code).toBe(3);
    expectOneLineError(after, /\[401 invalid_token\]$/);
    const again = await cli(['tokens', 'revoke', tokenId], env);
    expect(again.code).toBe(4);
    expectOneLineError(again);
  });

  test('policy validate: a good file and a bad one', async () => {
    const good = path.join(dir, 'policy.json');
    writeFileSync(good, JSON.stringify({ ...defaultPolicy, version: 'cli-test@1' }));
    const ok = await cli(['policy', 'validate', good], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/is valid: version cli-test@1/);
    const okJson = await cli(['policy', 'validate', good, '--json'], env);
    expect(json<{ valid: boolean; version: string }>(okJson)).toMatchObject({ valid: true, version: 'cli-test@1' });

    const bad = path.join(dir, 'policy.yaml');
    writeFileSync(bad, 'version: broken@1\nscreening:\n  criteria: []\n');
    const ko = await cli(['policy', 'validate', bad], env);
    expect(ko.code).toBe(1);
    expectOneLineError(ko, /is invalid/);
  });

  test('projections: the projections CLI through partnerflow', async () => {
    const r = await cli(['projections', 'digest', '--read-model', 'summary', '--prefix', sys.prefix], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^summary\tgeneration \S+\t\d+ keys\tsha256 [0-9a-f]{64}$/m);
    const bad = await cli(['projections', 'digest', '--read-model', 'no-such-model', '--prefix', sys.prefix], env);
    expect(bad.code).toBe(1);
    expectOneLineError(bad);
  });

  test('an unreachable server exits 6', async () => {
    const r = await cli(['partnerships', 'list'], { ...as(execToken), PARTNERFLOW_URL: 'http://127.0.0.1:1', PARTNERFLOW_RETRIES: '0' });
    expect(r.code).toBe(6);
    expectOneLineError(r, /cannot reach partnerflow at http:\/\/127\.0\.0\.1:1/);
  });
});
