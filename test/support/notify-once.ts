/**
 * Runs the real notify activity once, in a process of its own, for
 * test/integration/notification-delivery.test.ts: a worker attempt that the
 * test can kill for real. The activities are built by `createActivities` on
 * the test's PostgreSQL and its SMTP sink, exactly as the worker builds them;
 * only the mailer may be wrapped.
 *
 * Run: `node --import tsx test/support/notify-once.ts '<config JSON>'` with
 * the config below. It writes one JSON line per event on stdout:
 * - `{"event":"accepted","messageId":…,"response":"250 …"}` when the SMTP
 *   server has accepted a message (with `hangAfterAccept` only);
 * - `{"event":"result","result":NotifyResult}` when notify returned (exit 0);
 * - `{"event":"failed","error":{…}}` when it threw (exit 1).
 *
 * With `hangAfterAccept`, the transporter passed in the dependencies calls the
 * real nodemailer `sendMail` and, once it resolves (the server said 250),
 * writes the `accepted` line and never returns: the activity is then parked
 * between the server's acceptance and its marking the notification sent, for
 * as long as the test needs to SIGKILL the process.
 */
import type { Transporter } from 'nodemailer';
import { createActivities } from '../../activities';
import { createMailer } from '../../activities/notifications/mailer';
import type { NotifyInput } from '../../contracts/activities';
import { createDatabase } from '../../db/database';
import { testMailSettings } from './fixtures';

export interface NotifyOnceConfig {
  databaseUrl: string;
  smtpUrl: string;
  /** The activity's clock, ISO 8601. */
  now: string;
  input: NotifyInput;
  hangAfterAccept: boolean;
}

function emit(line: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(`${JSON.stringify(line)}\n`, (err) => (err ? reject(err) : resolve())));
}

/** The real transporter, whose sendMail parks the caller for good after the server's 250. */
function hangingAfterAccept(real: Transporter): Transporter {
  const send = real.sendMail.bind(real) as (mail: Parameters<Transporter['sendMail']>[0]) => Promise<{ messageId: string; response: string }>;
  const sendMail = async (mail: Parameters<Transporter['sendMail']>[0]): Promise<never> => {
    const info = await send(mail);
    await emit({ event: 'accepted', messageId: info.messageId, response: info.response });
    // The timer keeps the process alive (the pool's idle clients would not); the promise never settles.
    return new Promise<never>(() => setInterval(() => undefined, 60_000));
  };
  return Object.assign(Object.create(real) as Transporter, { sendMail });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as NotifyOnceConfig;
  const db = createDatabase(config.databaseUrl);
  const mailer = createMailer(config.smtpUrl);
  const now = new Date(config.now);
  const activities = createActivities({
    db,
    mailer: config.hangAfterAccept ? hangingAfterAccept(mailer) : mailer,
    clock: { now: () => now },
    ...testMailSettings,
  });
  try {
    const result = await activities.notify(config.input);
    await emit({ event: 'result', result });
  } catch (err) {
    const e = err as Error & { type?: string; nonRetryable?: boolean; code?: string };
    await emit({ event: 'failed', error: { name: e.name, message: e.message, type: e.type, nonRetryable: e.nonRetryable, code: e.code } });
    process.exitCode = 1;
  } finally {
    mailer.close();
    await db.destroy();
  }
}

void main();
