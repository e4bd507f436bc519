import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderPrometheus, type MetricsSnapshot } from '../projections/runner';

/**
 * Serves a projector's metrics (consumed, rate, lag per partition, dead letters, gaps) in the Prometheus text format
 * at `GET /metrics`, on its own port: the projector runs in its own process, apart from the API.
 */
export async function serveProjectorMetrics(metrics: () => MetricsSnapshot, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(renderPrometheus(metrics()));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('the projector serves only GET /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`PROJECTOR_METRICS_PORT ${port} is in use; stop what holds it or set PROJECTOR_METRICS_PORT to a free port`)
          : err,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
