/** What activities are built from; tests hand in real or fake ones. */
import type { Transporter } from 'nodemailer';
import type { Db } from '../db/database';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ActivityDependencies {
  db: Db;
  mailer: Transporter;
  clock: Clock;
  mail: {
    from: string;
    /** Domain of the Message-IDs: `<sha256(key)@domain>`. */
    messageIdDomain: string;
  };
  customerLinks: {
    /** The API's public address, where `/c/{token}` opens the customer page. */
    publicBaseUrl: string;
    tokenSecret: string;
  };
}
