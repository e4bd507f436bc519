import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { defaultPolicy } from '../../../domain';
import { loadPolicyFile, parsePolicyText, PolicyFileError } from '../../../platform/policy-file';

describe('loading a policy file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'partnerflow-policy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('returns the default policy when no path is configured', async () => {
    await expect(loadPolicyFile()).resolves.toBe(defaultPolicy);
    await expect(loadPolicyFile('  ')).resolves.toBe(defaultPolicy);
  });

  it('reads a JSON policy', async () => {
    const file = write('policy.json', JSON.stringify({ ...defaultPolicy, version: 'acme-2027' }));
    await expect(loadPolicyFile(file)).resolves.toMatchObject({ version: 'acme-2027' });
  });

  it('reads a YAML policy, filling in defaults such as non-legal items', async () => {
    const yaml = stringify({ ...defaultPolicy, version: 'acme-2027-yaml', exit: { windDown: [{ id: 'lessons-learned', title: 'Lessons learned' }] } });
    const file = write('policy.yaml', yaml);
    const policy = await loadPolicyFile(file);
    expect(policy.version).toBe('acme-2027-yaml');
    expect(policy.exit.windDown).toEqual([{ id: 'lessons-learned', title: 'Lessons learned', legal: false }]);
  });

  it('names the file and the field when the policy is invalid', async () => {
    const file = write('bad.yaml', stringify({ ...defaultPolicy, renewal: { ...defaultPolicy.renewal, leadTime: 'half a year' } }));
    await expect(loadPolicyFile(file)).rejects.toThrow(
      `policy file ${file} is invalid: renewal.leadTime: expected an ISO-8601 duration such as P6M, P3W, P14D or PT4H`,
    );
  });

  it('names the file when it is not valid YAML or JSON', () => {
    expect(() => parsePolicyText('{ "version": ', 'p.json')).toThrow(/^policy file p\.json is not valid JSON: /);
    expect(() => parsePolicyText('version: [unclosed', 'p.yml')).toThrow(/^policy file p\.yml is not valid YAML: /);
  });

  it('names the file when it cannot be read', async () => {
    const missing = path.join(dir, 'missing.yaml');
    const error = await loadPolicyFile(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyFileError);
    expect((error as PolicyFileError).file).toBe(missing);
    expect((error as Error).message).toMatch(new RegExp(`^cannot read policy file ${missing}: ENOENT`));
  });

  it('refuses a version written as a number, which YAML would otherwise read silently', () => {
    expect(() => parsePolicyText(stringify({ ...defaultPolicy, version: 1.5 }), 'p.yaml')).toThrow(/version: Invalid input: expected string/);
  });
});
