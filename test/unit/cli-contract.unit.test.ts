import { COMMAND, COMMAND_CONTRACTS } from '../../services/contract/commands';
import { API_PREFIX, pathOf } from '../../services/contract/paths';
import { READ } from '../../services/contract/reads';
import type { Io } from '../../services/cli/local';
import { runCli } from '../../services/cli/run';

function io(env: NodeJS.ProcessEnv): Io & { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '', env, out: (t: string) => void (out.stdout += t), err: (t: string) => void (out.stderr += t) };
  return out;
}

/** Nothing listens here: a request that went out would fail with exit 6, not the refusal expected. */
const OFFLINE = { PARTNERFLOW_URL: 'http://127.0.0.1:1', PARTNERFLOW_TOKEN: 'pf_0000000000000000_x', PARTNERFLOW_RETRIES: '0' };

describe('the contract', () => {
  test('each route is filed under its operation id', () => {
    for (const [key, route] of Object.entries({ ...COMMAND, ...READ })) expect(route.operationId).toBe(key);
    expect(new Set(COMMAND_CONTRACTS.map((r) => `${r.method} ${r.path}`)).size).toBe(COMMAND_CONTRACTS.length);
  });

  test('pathOf fills the parameters, each one path segment, under the API prefix', () => {
    expect(pathOf(COMMAND.assignTask, { id: 'acme-1', taskId: 'dd.x' })).toBe(`${API_PREFIX}/partnerships/acme-1/tasks/dd.x/assign`);
    expect(pathOf(COMMAND.acknowledgeEscalation, { escalationId: 'acme-1/gate.launch:L1' })).toBe(
      `${API_PREFIX}/escalations/acme-1%2Fgate.launch%3AL1/acknowledge`,
    );
    expect(pathOf(READ.reportWork, {})).toBe(`${API_PREFIX}/reports/work`);
  });
});

describe('the CLI checks a command body against its route before sending', () => {
  test("a value the API would refuse: the API's field-named answer, exit 1, no request", async () => {
    const o = io(OFFLINE);
    expect(await runCli(['score', 'acme-1', '--criterion', 'fit=3.5'], o)).toBe(1);
    expect(o.stderr).toBe('error: body.scores.fit: must be a whole number [422 invalid_field]\n');

    const risk = io(OFFLINE);
    expect(
      await runCli(
        [
          'risk',
          'add',
          'acme-1',
          '--title',
          'FX',
          '--category',
          'financial',
          '--likelihood',
          '3',
          '--impact',
          '4',
          '--owner',
          'olga',
          '--data',
          '{"likelihood":9}',
        ],
        risk,
      ),
    ).toBe(1);
    expect(risk.stderr).toMatch(/^error: body\.likelihood: .* \[422 invalid_field\]\n$/);
  });

  test('fields the path fills or the caller defaults are not held against the body; a valid body goes out', async () => {
    const o = io(OFFLINE);
    // Past the check, the request fails to connect (exit 6): the body was found valid without an evaluator or taskId.
    expect(await runCli(['score', 'acme-1', '--criterion', 'fit=4'], o)).toBe(6);
    expect(await runCli(['task', 'complete', 'acme-1', 'dd.x', '--note', 'done'], io(OFFLINE))).toBe(6);
    expect(await runCli(['escalations', 'ack', 'acme-1/gate.launch:L1'], io(OFFLINE))).toBe(6);
  });
});
