import { ApiClient } from './client';
import { CliError, EXIT, oneLine } from './errors';
import { runLocal, type Io } from './local';
import { parseCommandLine } from './parse';
import { checkBody } from './spec';

function positiveInt(text: string | undefined, name: string, dflt: number): number {
  if (text === undefined || text.trim() === '') return dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new CliError(EXIT.usage, `${name} must be a whole number, got "${text}"`);
  return n;
}

/**
 * Runs `partnerflow <argv>`: parses, sends the request or does the local work, prints the answer, and returns the exit
 * code. Expected failures are one `error: …` line on stderr; only a bug prints a stack.
 */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    const inv = parseCommandLine(argv);
    if (inv.kind === 'help') {
      (inv.exitCode === 0 ? io.out : io.err)(`${inv.text}\n`);
      return inv.exitCode;
    }
    if (inv.plan.kind === 'local') return await runLocal(inv.plan.action, io, inv.json);
    checkBody(inv.plan);

    const client = new ApiClient({
      baseUrl: io.env.PARTNERFLOW_URL,
      token: io.env.PARTNERFLOW_TOKEN,
      retries: positiveInt(io.env.PARTNERFLOW_RETRIES, 'PARTNERFLOW_RETRIES', 2),
      timeoutMs: positiveInt(io.env.PARTNERFLOW_TIMEOUT_MS, 'PARTNERFLOW_TIMEOUT_MS', 60_000),
      ...(inv.idempotencyKey === undefined ? {} : { idempotencyKey: inv.idempotencyKey }),
    });
    const answer = await client.send(inv.plan.request);
    if (answer.replayed) io.err('note: the server replayed its answer to an earlier request with this Idempotency-Key (nothing was done twice)\n');
    io.out(inv.json ? `${JSON.stringify(answer.body, null, 2)}\n` : inv.plan.render(answer.body));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`error: ${oneLine(e.message)}\n`);
      return e.exitCode;
    }
    io.err(`error: unexpected: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.refused;
  }
}
