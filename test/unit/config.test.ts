/** Configuration from environment variables (config/index.ts). */
import { ConfigError, loadConfig, loadLocalSystemConfig } from '../../config';

const SECRET = 'a-customer-token-secret-of-40-characters!';

/** Expect `fn` to throw a ConfigError whose message names `variable`. */
function expectConfigError(fn: () => unknown, variable: string): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const error = caught as ConfigError;
  expect(error.name).toBe('ConfigError');
  expect(error.message).toContain(variable);
  return error;
}

describe('loadConfig', () => {
  describe('with an empty environment', () => {
    const config = loadConfig({});

    it('talks to a local Temporal dev server without TLS', () => {
      expect(config.temporal).toEqual({
        address: 'localhost:7233',
        namespace: 'default',
        tls: false,
        tlsCertPath: undefined,
        tlsKeyPath: undefined,
        apiKey: undefined,
      });
    });

    it('has no database URL (npm start serves an embedded PostgreSQL)', () => {
      expect(config.databaseUrl).toBeUndefined();
    });

    it('sends mail to a local SMTP sink from the service centre', () => {
      expect(config.smtp).toEqual({ url: 'smtp://localhost:1025', from: '客服中心 <service@service.example>', messageIdDomain: 'service.example' });
    });

    it('listens on 3000, with metrics on 9464, links to localhost:3000', () => {
      expect(config.port).toBe(3000);
      expect(config.metricsPort).toBe(9464);
      expect(config.publicBaseUrl).toBe('http://localhost:3000');
    });

    it('uses the business time zone Asia/Shanghai, log level info, no admin token', () => {
      expect(config.businessTimeZone).toBe('Asia/Shanghai');
      expect(config.logLevel).toBe('info');
      expect(config.adminToken).toBeUndefined();
    });

    it('uses a development-only customer token secret of usable length', () => {
      expect(config.customerTokenSecret.length).toBeGreaterThanOrEqual(32);
    });
  });

  describe('each variable', () => {
    it('TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TEMPORAL_API_KEY', () => {
      const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'service-prod', TEMPORAL_API_KEY: 'key-123' });
      expect(config.temporal.address).toBe('temporal.internal:7233');
      expect(config.temporal.namespace).toBe('service-prod');
      expect(config.temporal.apiKey).toBe('key-123');
    });

    it('TEMPORAL_TLS as true/false/1/0', () => {
      expect(loadConfig({ TEMPORAL_TLS: 'true' }).temporal.tls).toBe(true);
      expect(loadConfig({ TEMPORAL_TLS: '1' }).temporal.tls).toBe(true);
      expect(loadConfig({ TEMPORAL_TLS: 'false' }).temporal.tls).toBe(false);
      expect(loadConfig({ TEMPORAL_TLS: '0' }).temporal.tls).toBe(false);
    });

    it('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH together, which imply TLS', () => {
      const config = loadConfig({ TEMPORAL_TLS_CERT_PATH: '/etc/tls/client.pem', TEMPORAL_TLS_KEY_PATH: '/etc/tls/client.key' });
      expect(config.temporal.tlsCertPath).toBe('/etc/tls/client.pem');
      expect(config.temporal.tlsKeyPath).toBe('/etc/tls/client.key');
      expect(config.temporal.tls).toBe(true);
    });

    it('DATABASE_URL as postgres:// or postgresql://', () => {
      expect(loadConfig({ DATABASE_URL: 'postgres://app:pw@db:5432/service' }).databaseUrl).toBe('postgres://app:pw@db:5432/service');
      expect(loadConfig({ DATABASE_URL: 'postgresql://db/service' }).databaseUrl).toBe('postgresql://db/service');
    });

    it('SMTP_URL, MAIL_FROM and MAIL_DOMAIN', () => {
      const config = loadConfig({ SMTP_URL: 'smtps://mail.example:465', MAIL_FROM: 'Service <help@corp.example>', MAIL_DOMAIN: 'corp.example' });
      expect(config.smtp).toEqual({ url: 'smtps://mail.example:465', from: 'Service <help@corp.example>', messageIdDomain: 'corp.example' });
    });

    it('PUBLIC_BASE_URL without trailing slashes', () => {
      expect(loadConfig({ PUBLIC_BASE_URL: 'https://service.example/' }).publicBaseUrl).toBe('https://service.example');
      expect(loadConfig({ PUBLIC_BASE_URL: 'https://service.example/portal//' }).publicBaseUrl).toBe('https://service.example/portal');
    });

    it('PORT and METRICS_PORT as numbers', () => {
      const config = loadConfig({ PORT: '8080', METRICS_PORT: '9100' });
      expect(config.port).toBe(8080);
      expect(config.metricsPort).toBe(9100);
    });

    it('BUSINESS_TIME_ZONE, CUSTOMER_TOKEN_SECRET, ADMIN_TOKEN and LOG_LEVEL', () => {
      const config = loadConfig({
        BUSINESS_TIME_ZONE: 'Europe/Berlin',
        CUSTOMER_TOKEN_SECRET: SECRET,
        ADMIN_TOKEN: 'admin-token-of-at-least-24-chars',
        LOG_LEVEL: 'debug',
      });
      expect(config.businessTimeZone).toBe('Europe/Berlin');
      expect(config.customerTokenSecret).toBe(SECRET);
      expect(config.adminToken).toBe('admin-token-of-at-least-24-chars');
      expect(config.logLevel).toBe('debug');
    });

    it('NODE_ENV production with a customer token secret', () => {
      expect(loadConfig({ NODE_ENV: 'production', CUSTOMER_TOKEN_SECRET: SECRET }).customerTokenSecret).toBe(SECRET);
    });
  });

  describe('invalid values give a ConfigError naming the variable', () => {
    it('a port that is not a number, out of range or fractional', () => {
      expectConfigError(() => loadConfig({ PORT: 'http' }), 'PORT');
      expectConfigError(() => loadConfig({ PORT: '65536' }), 'PORT');
      expectConfigError(() => loadConfig({ PORT: '-1' }), 'PORT');
      expectConfigError(() => loadConfig({ PORT: '80.5' }), 'PORT');
      expectConfigError(() => loadConfig({ METRICS_PORT: 'nine' }), 'METRICS_PORT');
    });

    it('never an empty port turned into a random one: an empty variable counts as unset', () => {
      expect(loadConfig({ PORT: '', METRICS_PORT: ' ' })).toMatchObject({ port: 3000, metricsPort: 9464 });
      expect(loadLocalSystemConfig({ LOCAL_DB_PORT: '' }).databasePort).toBe(55432);
      expect(loadConfig({ ADMIN_TOKEN: '', TEMPORAL_API_KEY: '' })).toMatchObject({ adminToken: undefined });
    });

    it('a DATABASE_URL that is not postgres://', () => {
      const error = expectConfigError(() => loadConfig({ DATABASE_URL: 'mysql://db/service' }), 'DATABASE_URL');
      expect(error.message).toContain('postgres://');
      expectConfigError(() => loadConfig({ DATABASE_URL: 'db:5432/service' }), 'DATABASE_URL');
    });

    it('an SMTP_URL that is not smtp:// or smtps://', () => {
      expectConfigError(() => loadConfig({ SMTP_URL: 'http://mail.example' }), 'SMTP_URL');
    });

    it('a PUBLIC_BASE_URL that is not a URL', () => {
      expectConfigError(() => loadConfig({ PUBLIC_BASE_URL: 'service.example' }), 'PUBLIC_BASE_URL');
    });

    it('a CUSTOMER_TOKEN_SECRET shorter than 32 characters', () => {
      const error = expectConfigError(() => loadConfig({ CUSTOMER_TOKEN_SECRET: 'short-secret' }), 'CUSTOMER_TOKEN_SECRET');
      expect(error.message).toContain('32');
      expectConfigError(() => loadConfig({ CUSTOMER_TOKEN_SECRET: 'x'.repeat(31) }), 'CUSTOMER_TOKEN_SECRET');
      expect(loadConfig({ CUSTOMER_TOKEN_SECRET: 'x'.repeat(32) }).customerTokenSecret).toBe('x'.repeat(32));
    });

    it('production without a CUSTOMER_TOKEN_SECRET', () => {
      expectConfigError(() => loadConfig({ NODE_ENV: 'production' }), 'CUSTOMER_TOKEN_SECRET');
    });

    it('a TLS certificate without its key, or a key without its certificate', () => {
      expectConfigError(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/etc/tls/client.pem' }), 'TEMPORAL_TLS_KEY_PATH');
      expectConfigError(() => loadConfig({ TEMPORAL_TLS_KEY_PATH: '/etc/tls/client.key' }), 'TEMPORAL_TLS_CERT_PATH');
    });

    it('a TEMPORAL_TLS flag other than true/false/1/0', () => {
      expectConfigError(() => loadConfig({ TEMPORAL_TLS: 'yes' }), 'TEMPORAL_TLS');
    });

    it('an ADMIN_TOKEN shorter than 24 characters', () => {
      expectConfigError(() => loadConfig({ ADMIN_TOKEN: 'admin' }), 'ADMIN_TOKEN');
    });

    it('an unknown LOG_LEVEL or NODE_ENV', () => {
      expectConfigError(() => loadConfig({ LOG_LEVEL: 'verbose' }), 'LOG_LEVEL');
      expectConfigError(() => loadConfig({ NODE_ENV: 'staging' }), 'NODE_ENV');
    });

    it('names every invalid variable at once', () => {
      const error = expectConfigError(() => loadConfig({ PORT: 'x', DATABASE_URL: 'mysql://db' }), 'PORT');
      expect(error.message).toContain('DATABASE_URL');
    });
  });
});

describe('loadLocalSystemConfig (npm start)', () => {
  it('starts the dev server, the embedded database and the mail sink on their default ports when nothing is given', () => {
    expect(loadLocalSystemConfig({})).toEqual({
      startDevServer: true,
      startEmbeddedDatabase: true,
      startMailSink: true,
      temporalPort: 7233,
      temporalUiPort: 8233,
      databasePort: 55432,
      mailSmtpPort: 1025,
      mailWebPort: 8025,
    });
  });

  it('does not start what is given an address', () => {
    const local = loadLocalSystemConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      DATABASE_URL: 'postgres://db/service',
      SMTP_URL: 'smtp://mail.example:25',
    });
    expect(local.startDevServer).toBe(false);
    expect(local.startEmbeddedDatabase).toBe(false);
    expect(local.startMailSink).toBe(false);
  });

  it('starts each part independently', () => {
    const local = loadLocalSystemConfig({ DATABASE_URL: 'postgres://db/service' });
    expect(local.startDevServer).toBe(true);
    expect(local.startEmbeddedDatabase).toBe(false);
    expect(local.startMailSink).toBe(true);
  });

  it('uses the ports it is given', () => {
    const local = loadLocalSystemConfig({
      LOCAL_TEMPORAL_PORT: '17233',
      LOCAL_TEMPORAL_UI_PORT: '18233',
      LOCAL_DB_PORT: '15432',
      MAIL_SINK_SMTP_PORT: '11025',
      MAIL_SINK_WEB_PORT: '18025',
    });
    expect(local).toMatchObject({ temporalPort: 17233, temporalUiPort: 18233, databasePort: 15432, mailSmtpPort: 11025, mailWebPort: 18025 });
  });

  it('rejects a bad port with a ConfigError naming the variable', () => {
    expectConfigError(() => loadLocalSystemConfig({ LOCAL_DB_PORT: 'pg' }), 'LOCAL_DB_PORT');
    expectConfigError(() => loadLocalSystemConfig({ MAIL_SINK_WEB_PORT: '70000' }), 'MAIL_SINK_WEB_PORT');
  });
});
