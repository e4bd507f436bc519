/** The `partnerflow` command (bin/partnerflow.js loads this file): see `partnerflow --help`. */
import { runCli } from './run';

// A closed pipe (`partnerflow … | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

void runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
