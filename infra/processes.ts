import { spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { InfraError } from '../platform/errors';

export { InfraError };

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when something accepts TCP connections on host:port. */
export function isListening(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid recorded for a service, if that process still runs. */
export function runningPid(pidFile: string): number | undefined {
  const pid = readPid(pidFile);
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

export function tailFile(file: string, lines = 25): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log yet)';
  }
}

/** Starts a long-running service detached from this process, its output appended to a log file, its pid recorded. */
export function startDetached(opts: { command: string; args: string[]; logFile: string; pidFile: string; cwd?: string; env?: NodeJS.ProcessEnv }): number {
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  fs.mkdirSync(path.dirname(opts.pidFile), { recursive: true });
  const out = fs.openSync(opts.logFile, 'a');
  fs.writeSync(out, `\n--- ${new Date().toISOString()} ${opts.command} ${opts.args.join(' ')}\n`);
  const spawnOpts: SpawnOptions = { detached: true, stdio: ['ignore', out, out], cwd: opts.cwd, env: opts.env ?? process.env };
  const child = spawn(opts.command, opts.args, spawnOpts);
  fs.closeSync(out);
  if (child.pid === undefined) throw new InfraError(`could not start ${opts.command}; see ${opts.logFile}`);
  child.unref();
  fs.writeFileSync(opts.pidFile, String(child.pid));
  return child.pid;
}

/** SIGTERM, then SIGKILL after the grace period; removes the pid file. */
export async function stopPid(pidFile: string, graceMs = 15_000): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid === undefined) {
    fs.rmSync(pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
  fs.rmSync(pidFile, { force: true });
  return true;
}

/** Polls `check` until it passes; fails early if the process dies, and with the log's tail on timeout. */
export async function waitHealthy(opts: { name: string; check: () => Promise<boolean>; pid?: number; logFile?: string; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await opts.check().catch(() => false)) return;
    if (opts.pid !== undefined && !isAlive(opts.pid)) {
      throw new InfraError(`${opts.name} exited during start-up. Last lines of ${opts.logFile}:\n${tailFile(opts.logFile ?? '')}`);
    }
    if (Date.now() > deadline) {
      throw new InfraError(
        `${opts.name} did not become healthy within ${opts.timeoutMs / 1000} s.` +
          (opts.logFile ? ` Last lines of ${opts.logFile}:\n${tailFile(opts.logFile)}` : ''),
      );
    }
    await sleep(250);
  }
}

/** Runs a command to completion, streaming nothing; resolves with its output, rejects with it on failure. */
export function run(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (err) => reject(new InfraError(`could not run ${command}: ${err.message}`)));
    child.once('close', (code) => {
      if (opts.logFile) {
        fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
        fs.appendFileSync(opts.logFile, output);
      }
      if (code === 0) resolve(output);
      else reject(new InfraError(`${command} ${args.join(' ')} exited with ${code}:\n${output.split('\n').slice(-30).join('\n')}`));
    });
  });
}

export function commandExists(command: string): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter);
  return dirs.some((d) => {
    try {
      fs.accessSync(path.join(d, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
