/** Connection options for Temporal, shared by the worker (native) and the API (client). */
import { readFileSync } from 'node:fs';
import type { Config } from './index';

export interface TemporalConnectionOptions {
  address: string;
  tls?: boolean | { clientCertPair: { crt: Buffer; key: Buffer } };
  apiKey?: string;
}

export function temporalConnectionOptions({ temporal }: Config): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: temporal.address };
  if (temporal.tlsCertPath && temporal.tlsKeyPath) {
    options.tls = { clientCertPair: { crt: readFileSync(temporal.tlsCertPath), key: readFileSync(temporal.tlsKeyPath) } };
  } else if (temporal.tls) {
    options.tls = true;
  }
  if (temporal.apiKey) options.apiKey = temporal.apiKey;
  return options;
}
