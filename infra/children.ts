import { spawn, type ChildProcess } from 'node:child_process';

/** A process `npm start` supervises (worker, projector, HTTP service), its output prefixed with its name. */
export interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * Spawns `node <script>`, prefixing each line it writes with `[name]`. In a process group of its own, so a Ctrl-C
 * reaches the supervisor only and each child gets exactly one SIGTERM from it: a second signal would cut a clean
 * shutdown short (the Temporal SDK, for one, stops listening after the first).
 */
export function startChild(name: string, script: string, nodeFlags: string[] = []): Child {
  const child = spawn(process.execPath, [...nodeFlags, script], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env, detached: true });
  const prefix = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') stream.write(`[${name}] ${line}\n`);
  };
  child.stdout?.on('data', prefix(process.stdout));
  child.stderr?.on('data', prefix(process.stderr));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, process: child, exited };
}

/** SIGTERM to each child, SIGKILL to any still running after `graceMs`; resolves when the last one has exited. */
export async function stopChildren(children: Child[], graceMs = 20_000): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.process.exitCode !== null || c.process.signalCode !== null) return;
      c.process.kill('SIGTERM');
      // Cleared as soon as the child exits: a pending timer would hold this process open for the whole grace period.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([c.exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
      clearTimeout(timer);
      if (timedOut) {
        c.process.kill('SIGKILL');
        await c.exited;
      }
    }),
  );
}
