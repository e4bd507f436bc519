import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Lets the real child load our TypeScript: compiled on require with @swc/core, as jest's transform does. */
const TS_HOOK = `const fs = require('node:fs');
const { transformSync } = require(${JSON.stringify(require.resolve('@swc/core'))});
require.extensions['.ts'] = (module, filename) => {
  const options = { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } };
  module._compile(transformSync(fs.readFileSync(filename, 'utf8'), options).code, filename);
};
`;
const ENTRY = path.join(__dirname, '..', '..', '..', 'platform', 'entry.ts');

/** A real process that waits with untilSignal, then takes `cleanupMs` to stop cleanly (as the projector leaves its group). */
function waiter(dir: string, cleanupMs: number) {
  const script = path.join(dir, 'waiter.js');
  const hook = path.join(dir, 'ts-hook.js');
  fs.writeFileSync(hook, TS_HOOK);
  fs.writeFileSync(
    script,
    `const { untilSignal } = require(${JSON.stringify(ENTRY)});
const alive = setInterval(() => {}, 1000);
untilSignal().then(async (s) => {
  process.stdout.write('stopping on ' + s + '\\n');
  await new Promise((r) => setTimeout(r, ${cleanupMs}));
  process.stdout.write('stopped cleanly\\n');
  clearInterval(alive);
});
process.stdout.write('ready\\n');
`,
  );
  const child = spawn(process.execPath, ['-r', hook, script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const ready = new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('ready') && resolve()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, ready, exited, output: () => out };
}

describe('a process waiting for a stop signal', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-signals-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('finishes its clean stop when a copy of the signal follows (Ctrl-C reaches it, then the supervisor SIGTERMs it)', async () => {
    const w = waiter(dir, 500);
    await w.ready;
    w.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    w.child.kill('SIGTERM');
    // Killed here, a projector would stay in its consumer group until the session timeout: the next start waits ~30 s.
    const { signal } = await w.exited;
    expect(signal).toBeNull();
    expect(w.output()).toContain('stopped cleanly');
  });

  test('exits at once on a signal sent well after the first: the user means it', async () => {
    const w = waiter(dir, 10_000);
    await w.ready;
    w.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 2500));
    const started = Date.now();
    w.child.kill('SIGINT');
    const { code } = await w.exited;
    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(w.output()).not.toContain('stopped cleanly');
  });
});
