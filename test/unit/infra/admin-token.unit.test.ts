import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminTokenNotice, saveAdminToken } from '../../../infra/admin-token';

describe('the bootstrap admin token', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-token-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('is written to a file only its owner can read', () => {
    const file = path.join(dir, 'data', 'admin-token');
    saveAdminToken(file, 'pf_secret_1');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe('pf_secret_1');
  });

  test('replaces an older file that others could read, leaving it 0600', () => {
    const file = path.join(dir, 'admin-token');
    fs.writeFileSync(file, 'old\n', { mode: 0o644 });
    saveAdminToken(file, 'pf_secret_2');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe('pf_secret_2');
    expect(fs.readdirSync(dir)).toEqual(['admin-token']);
  });

  test('is announced by its path and a line to copy, never by its value', () => {
    const file = path.join(dir, 'admin-token');
    saveAdminToken(file, 'pf_secret_3');
    const notice = adminTokenNotice(file, true);
    expect(notice).toContain(`export PARTNERFLOW_TOKEN=$(cat ${file})`);
    expect(notice).not.toContain('pf_secret_3');
  });
});
