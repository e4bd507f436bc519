import { parseArgs } from 'node:util';
import { DEFAULT_URL } from './client';
import { COMMANDS, findCommand, subcommandsOf } from './registry';
import { optionsOf, type CommandSpec, type Parsed, type Plan } from './spec';
import { CliError, EXIT, EXIT_CODE_HELP, usageError } from './errors';

/** What a command line asks for. */
export type Invocation =
  { kind: 'help'; text: string; exitCode: 0 | 2 } | { kind: 'run'; spec: CommandSpec; parsed: Parsed; plan: Plan; json: boolean; idempotencyKey?: string };

const ENVIRONMENT = `environment:
  PARTNERFLOW_URL           the API (default ${DEFAULT_URL})
  PARTNERFLOW_TOKEN         your bearer token (tokens create prints one)
  PARTNERFLOW_TIMEOUT_MS    how long to wait for an answer (default 60000)
  PARTNERFLOW_RETRIES       extra attempts on a network failure or 502/503/504, with the same Idempotency-Key (default 2)
  REDIS_URL                 tokens and projections talk to Redis directly (default redis://127.0.0.1:6379)
  PARTNERFLOW_REDIS_PREFIX  root of the Redis keys for tokens (default pf; tests use their own)`;

/** The first words of the commands that have more than one (`task` of `task assign`…): `partnerflow task` lists them. */
const GROUPS = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] as string))];

export function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`);
  return `usage: partnerflow <command> [arguments] [options]

The operations API from a terminal. Tables for people by default; --json prints the raw JSON answer for scripts.
Errors are one line on stderr (error: …), and the exit code says what happened.

commands:
${lines.join('\n')}

every command takes:
  --json                    print the raw JSON answer (stdout), nothing else
  -h, --help                help on the command
commands that change something also take:
  --data '<json>'           a JSON object merged into the request body (fields no flag covers)
  --idempotency-key <key>   sent as Idempotency-Key (default: a random UUID); re-run with the same key to retry safely
reads of read models also take:
  --after <id>/<seq>        wait (boundedly) until the read model has applied that event, as commands print it

${ENVIRONMENT}

${EXIT_CODE_HELP}

run partnerflow <command> --help for its options.`;
}

/** Option lines `--flag <v>  what it does`, the descriptions aligned (a line starting with spaces continues the one above). */
export function alignOptions(lines: readonly string[]): string {
  const split = lines.map((l): [string, string] => {
    if (/^\s/.test(l)) return ['', l.trim()];
    const m = /^(.*?\S)\s{2,}(\S.*)$/.exec(l);
    return m === null ? [l, ''] : [m[1] as string, m[2] as string];
  });
  const w = Math.min(28, Math.max(...split.map(([f]) => (f.length <= 28 ? f.length : 0))));
  return split.map(([f, d]) => (d === '' ? `  ${f}` : f.length > w ? `  ${f}\n  ${' '.repeat(w)}  ${d}` : `  ${f.padEnd(w)}  ${d}`)).join('\n');
}

export function commandHelp(spec: CommandSpec): string {
  const extra: string[] = [];
  if (spec.write) {
    extra.push("--data '<json>'          JSON object merged into the request body (fields no flag covers)");
    extra.push('--idempotency-key <key>  Idempotency-Key to send (default: a random UUID); the same key replays, never repeats');
  }
  extra.push('--json                   print the raw JSON answer');
  extra.push('-h, --help');
  const options = alignOptions([...spec.help, ...extra]);
  const tail = spec.name.startsWith('tokens') ? `\n\nuses REDIS_URL and PARTNERFLOW_REDIS_PREFIX (default pf), not the API.` : '';
  return `usage: partnerflow ${spec.name}${spec.synopsis === '' ? '' : ` ${spec.synopsis}`}

${spec.summary}

options:
${options}${tail}

${EXIT_CODE_HELP}`;
}

export function groupHelp(group: string): string {
  const subs = subcommandsOf(group);
  const w = Math.max(...subs.map((c) => c.name.length));
  return `usage: partnerflow ${group} <${subs.map((s) => s.name.slice(group.length + 1)).join('|')}> …

${subs.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}

run partnerflow ${group} <subcommand> --help for its options.`;
}

const isHelp = (a: string) => a === '--help' || a === '-h';

/** Parses a command line (without `node` and the script) into what to do; throws a usage CliError (exit 2). */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length && (isHelp(argv[i] as string) || argv[i] === '--json')) leading.push(argv[i++] as string);
  const word = argv[i];
  const wantsHelp = leading.some(isHelp);
  if (word === undefined) return { kind: 'help', text: mainHelp(), exitCode: wantsHelp ? 0 : 2 };
  if (word === 'help') {
    const rest = argv.slice(i + 1);
    return rest.length === 0 ? { kind: 'help', text: mainHelp(), exitCode: 0 } : parseCommandLine([...rest, '--help']);
  }
  if (word.startsWith('-')) throw new CliError(EXIT.usage, `unknown option ${word} before the command (see: partnerflow --help)`);

  let spec = findCommand(word);
  let consumed = 1;
  if (spec === undefined) {
    if (!GROUPS.includes(word)) throw new CliError(EXIT.usage, `unknown command "${word}" (see: partnerflow --help)`);
    const sub = argv[i + 1];
    if (sub === undefined || sub.startsWith('-')) {
      if (wantsHelp || (sub !== undefined && isHelp(sub))) return { kind: 'help', text: groupHelp(word), exitCode: 0 };
      throw new CliError(
        EXIT.usage,
        `${word} needs a subcommand: ${subcommandsOf(word)
          .map((s) => s.name.slice(word.length + 1))
          .join(', ')} (see: partnerflow ${word} --help)`,
      );
    }
    spec = findCommand(`${word} ${sub}`);
    if (spec === undefined) throw new CliError(EXIT.usage, `unknown command "${word} ${sub}" (see: partnerflow ${word} --help)`);
    consumed = 2;
  }
  const rest = argv.slice(i + consumed);

  if (spec.passthrough) {
    const args = wantsHelp ? ['--help', ...rest] : rest;
    return { kind: 'run', spec, parsed: { values: {}, args }, plan: spec.plan({ values: {}, args }), json: false };
  }

  let parsed: Parsed;
  try {
    const r = parseArgs({ args: [...leading, ...rest], options: optionsOf(spec), allowPositionals: true, strict: true });
    parsed = { values: r.values, args: r.positionals };
  } catch (e) {
    throw usageError(((e as Error).message.split('\n')[0] ?? 'bad arguments').replace(/\.$/, ''), spec.name);
  }
  if (parsed.values.help === true) return { kind: 'help', text: commandHelp(spec), exitCode: 0 };
  const [min, max] = spec.args;
  if (parsed.args.length < min)
    throw usageError(`missing argument${min - parsed.args.length > 1 ? 's' : ''}: partnerflow ${spec.name} ${spec.synopsis}`, spec.name);
  if (parsed.args.length > max) throw usageError(`unexpected argument "${parsed.args[max] as string}"`, spec.name);
  const key = parsed.values['idempotency-key'];
  if (typeof key === 'string' && !/^[\x21-\x7e]{1,255}$/.test(key))
    throw usageError('--idempotency-key must be 1 to 255 visible ASCII characters, e.g. a UUID', spec.name);
  return {
    kind: 'run',
    spec,
    parsed,
    plan: spec.plan(parsed),
    json: parsed.values.json === true,
    ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
  };
}
