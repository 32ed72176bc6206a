/** Starts the API on a port and stops it cleanly. */
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import type { ApiDependencies } from './dependencies';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export function startApi(deps: ApiDependencies, port: number, host = '127.0.0.1'): Promise<RunningApi> {
  const app = createApp(deps);
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${bound}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
