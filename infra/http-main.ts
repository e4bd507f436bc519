import { loadConfig } from '../platform/config';
import { runMain, untilSignal } from '../platform/entry';
import { buildHttpService } from '../services/http';
import { InfraError } from './processes';

/** Process entry point: the HTTP service. */
runMain(async () => {
  const cfg = loadConfig();
  const { app, close } = await buildHttpService(cfg);
  try {
    await app.listen({ host: cfg.http.host, port: cfg.http.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InfraError(`HTTP_PORT ${cfg.http.port} is in use; stop what holds it or set HTTP_PORT to a free port.`);
    throw err;
  }
  process.stdout.write(`HTTP service on http://${cfg.http.host}:${cfg.http.port}\n`);
  await untilSignal();
  await close();
});
