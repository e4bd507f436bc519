import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The launcher and the installer are dependency-free CommonJS in bin/ (they run before node_modules exists).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { staleBecause } = require('../../../bin/run.js') as { staleBecause: (root: string) => string | undefined };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { depsFresh } = require('../../../bin/ensure-deps.js') as { depsFresh: (root: string) => boolean };

function write(file: string, text: string, at: Date): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.utimesSync(file, at, at);
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('npm scripts: install on first use, build once and run many', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-launcher-'));
    write(path.join(root, 'tsconfig.build.json'), JSON.stringify({ include: ['domain', 'infra'] }), minutesAgo(60));
    write(path.join(root, 'tsconfig.json'), '{}', minutesAgo(60));
    write(path.join(root, 'domain', 'a.ts'), 'export {};', minutesAgo(30));
    write(path.join(root, 'infra', 'deep', 'b.ts'), 'export {};', minutesAgo(30));
    write(path.join(root, 'package-lock.json'), '{}', minutesAgo(20));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('a fresh clone has no dependencies installed; after an install they are fresh until the lock changes', () => {
    expect(depsFresh(root)).toBe(false);
    write(path.join(root, 'node_modules', '.package-lock.json'), '{}', minutesAgo(10));
    expect(depsFresh(root)).toBe(true);
    write(path.join(root, 'package-lock.json'), '{"changed":1}', minutesAgo(1));
    expect(depsFresh(root)).toBe(false);
  });

  test('builds when there is no build, then only when a compiled source or a tsconfig is newer than the build', () => {
    expect(staleBecause(root)).toBe('no build yet');
    write(path.join(root, 'dist', '.build-stamp'), '', minutesAgo(5));
    expect(staleBecause(root)).toBeUndefined();
    write(path.join(root, 'notes.md'), 'not compiled', minutesAgo(1));
    expect(staleBecause(root)).toBeUndefined();
    write(path.join(root, 'infra', 'deep', 'b.ts'), 'export const b = 1;', minutesAgo(1));
    expect(staleBecause(root)).toBe(path.join(root, 'infra', 'deep', 'b.ts'));
    write(path.join(root, 'dist', '.build-stamp'), '', new Date());
    write(path.join(root, 'tsconfig.json'), '{"x":1}', new Date(Date.now() + 1000));
    expect(staleBecause(root)).toBe(path.join(root, 'tsconfig.json'));
  });
});
