/** What the API is built from; tests hand in real ones. */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Db } from '../db/database';

export interface ApiDependencies {
  db: Db;
  temporal: Client;
  config: Config;
  logger: Logger;
}
