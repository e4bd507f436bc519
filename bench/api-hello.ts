/**
 * The baseline of `npm run bench:api`: a Fastify hello-world (the same Fastify the API uses, logger off like the API),
 * run as a child process of the bench exactly as the API is, so the ratio compares like with like. Not run on its own.
 */
import Fastify from 'fastify';
import { serveChild } from './api-child';

serveChild('hello-world', async () => {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  return { app, close: () => app.close() };
});
