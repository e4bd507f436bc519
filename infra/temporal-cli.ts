import type { Config } from '../platform/config';

/**
 * The environment for the Temporal CLI: its own variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key) set
 * from partnerflow's config, so `npm run temporal -- workflow list` talks to the cluster partnerflow uses.
 */
export function temporalCliEnv(cfg: Config, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const t = cfg.temporal;
  const fromConfig: Record<string, string | undefined> = {
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_NAMESPACE: t.namespace,
    TEMPORAL_API_KEY: t.apiKey,
    TEMPORAL_TLS: t.tls || t.apiKey ? 'true' : undefined,
    TEMPORAL_TLS_CLIENT_CERT_PATH: t.tls?.certPath,
    TEMPORAL_TLS_CLIENT_KEY_PATH: t.tls?.keyPath,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: t.tls?.caPath,
    TEMPORAL_TLS_SERVER_NAME: t.tls?.serverName,
  };
  return { ...env, ...Object.fromEntries(Object.entries(fromConfig).filter(([, v]) => v !== undefined)) };
}
