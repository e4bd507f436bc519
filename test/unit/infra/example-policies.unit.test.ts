import path from 'node:path';
import { compressedPolicy } from '../../../domain/policy/compressed-policy';
import { defaultPolicy } from '../../../domain/policy/default-policy';
import { loadPolicyFile } from '../../../platform/policy-file';
import { runCli } from '../../../services/cli/run';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples', 'policy');

async function validate(file: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['policy', 'validate', file, '--json'], { out: (t) => (out += t), err: (t) => (err += t), env: {} });
  return { code, out, err };
}

describe('the example policies shipped in examples/policy', () => {
  test.each([
    ['default.yaml', defaultPolicy],
    ['fast.yaml', compressedPolicy],
  ])('%s is accepted by `policy validate` and is the built-in policy it names, so the two cannot drift', async (name, builtIn) => {
    const file = path.join(EXAMPLES, name);
    const { code, out, err } = await validate(file);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out)).toMatchObject({ valid: true, version: builtIn.version });
    expect(await loadPolicyFile(file)).toEqual(builtIn);
  });
});
