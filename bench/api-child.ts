/**
 * Child processes of `npm run bench:api`: the API and the hello-world baseline each listen in a process of their own,
 * so the load generator (autocannon, in the bench process) does not share an event loop with the server it measures.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';

type ChildMessage = { type: 'ready'; port: number } | { type: 'error'; message: string };

/** In a child: builds the server, listens on a free loopback port, tells the parent the port, stops when told to. */
export function serveChild(name: string, build: () => Promise<{ app: FastifyInstance; close: () => Promise<void> }>): void {
  const send = (m: ChildMessage) => process.send?.(m);
  let close: (() => Promise<void>) | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void (close ?? (async () => undefined))()
      .catch((err: unknown) => process.stderr.write(`${name}: closing failed: ${String(err)}\n`))
      .finally(() => process.exit(0));
  };
  process.on('message', (m) => {
    if (m === 'stop') stop();
  });
  // The parent died or closed the channel: do not outlive it.
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => undefined); // the parent handles Ctrl-C and stops its children itself
  build()
    .then(async (server) => {
      close = server.close;
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const address = server.app.server.address();
      if (typeof address !== 'object' || address === null) throw new Error('no port');
      send({ type: 'ready', port: address.port });
    })
    .catch((err: unknown) => {
      send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.exit(1);
    });
}

/** A server in a child process, listening on `url`. */
export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** In the bench: forks a compiled child script and waits until it listens. */
export async function forkServer(script: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child: ChildProcess = fork(script, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: ChildMessage) => (m.type === 'ready' ? resolve(m.port) : reject(new Error(`${script}: ${m.message}`))));
    child.once('exit', (code) => reject(new Error(`${script} exited (code ${code}) before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
