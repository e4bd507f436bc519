import { loadConfig } from '../../../platform/config';
import { temporalCliEnv } from '../../../infra/temporal-cli';

describe('npm run temporal: the Temporal CLI aimed at the cluster partnerflow uses', () => {
  test('gets partnerflow’s address and namespace, defaults included, as the CLI’s own variables', () => {
    const env = temporalCliEnv(loadConfig({}), { PATH: '/bin' });
    expect(env).toMatchObject({ PATH: '/bin', TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_NAMESPACE: 'partnerflow' });
    expect(env.TEMPORAL_TLS).toBeUndefined();
  });

  test('gets the TLS files and API key of an external cluster under the names the CLI reads', () => {
    const given = {
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_TLS_CERT_PATH: '/c.pem',
      TEMPORAL_TLS_KEY_PATH: '/k.pem',
      TEMPORAL_TLS_CA_PATH: '/ca.pem',
      TEMPORAL_TLS_SERVER_NAME: 'ns.acct.tmprl.cloud',
    };
    expect(temporalCliEnv(loadConfig(given), given)).toMatchObject({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/k.pem',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/ca.pem',
      TEMPORAL_TLS_SERVER_NAME: 'ns.acct.tmprl.cloud',
    });
  });
});
