import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChild, stopChildren, type Child } from '../../../infra/children';

/** A real node child: exits `exitAfterMs` after SIGTERM, or never when `ignoreTerm`. */
function child(dir: string, name: string, opts: { exitAfterMs?: number; ignoreTerm?: boolean }): Child {
  const script = path.join(dir, `${name}.js`);
  const onTerm = opts.ignoreTerm ? '() => {}' : `() => setTimeout(() => process.exit(0), ${opts.exitAfterMs ?? 0})`;
  fs.writeFileSync(script, `process.on('SIGTERM', ${onTerm}); process.stdout.write('ready\\n'); setInterval(() => {}, 1000);\n`);
  return startChild(name, script);
}

const ready = (c: Child) => new Promise<void>((resolve) => c.process.stdout?.once('data', () => resolve()));
const pendingTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('stopping the supervised children', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-children-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('takes as long as the slowest child, and leaves no grace timer keeping the process alive', async () => {
    const children = [child(dir, 'fast', { exitAfterMs: 0 }), child(dir, 'slow', { exitAfterMs: 300 })];
    await Promise.all(children.map(ready));
    const timersBefore = pendingTimers();
    const started = Date.now();
    await stopChildren(children, 20_000);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(3000);
    expect(children.map((c) => c.process.exitCode)).toEqual([0, 0]);
    // A grace timer left running holds the event loop open: `npm start` would sit out the whole grace period.
    expect(pendingTimers()).toBeLessThanOrEqual(timersBefore);
  });

  test('run in a process group of their own, so a Ctrl-C reaches the supervisor only and each child one SIGTERM from it', async () => {
    const c = child(dir, 'grouped', { exitAfterMs: 0 });
    await ready(c);
    // Field 5 of /proc/<pid>/stat is the process group (the name in field 2 has no spaces here).
    const pgrp = (pid: number) => Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[4]);
    expect(pgrp(c.process.pid as number)).toBe(c.process.pid);
    expect(pgrp(c.process.pid as number)).not.toBe(pgrp(process.pid));
    await stopChildren([c], 5000);
  });

  test('kills a child that ignores SIGTERM once the grace period is over', async () => {
    const stubborn = child(dir, 'stubborn', { ignoreTerm: true });
    await ready(stubborn);
    const started = Date.now();
    await stopChildren([stubborn], 500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(stubborn.process.signalCode).toBe('SIGKILL');
  });
});
