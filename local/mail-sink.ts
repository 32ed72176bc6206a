/**
 * A real SMTP server (smtp-server) that keeps every message it accepts, for
 * local runs and tests: tests read the parsed messages, a person browses
 * them on a small web page. Loopback only; accepts any sender and recipient.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Arrival order, from 1. */
  seq: number;
  receivedAt: Date;
  envelopeFrom: string;
  envelopeTo: string[];
  messageId: string | null;
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

export interface MailSink {
  smtpUrl: string;
  /** The web page, when started with `webPort`. */
  webUrl: string | null;
  messages(): ReceivedMail[];
  /** Resolves with the first message (already received or arriving) that matches. */
  waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function renderInbox(messages: ReceivedMail[]): string {
  const rows = [...messages]
    .reverse()
    .map(
      (m) => `<tr><td>${m.seq}</td><td>${m.receivedAt.toISOString()}</td><td>${escapeHtml(m.envelopeTo.join(', '))}</td>` +
        `<td><a href="/messages/${m.seq}">${escapeHtml(m.subject)}</a></td></tr>`,
    )
    .join('');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mail sink (${messages.length})</title><style>body{font-family:sans-serif;margin:16px}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}</style></head>
<body><h1>Mail sink</h1><p>${messages.length} message(s) received since start. Newest first.</p>
<table><tr><th>#</th><th>received</th><th>to</th><th>subject</th></tr>${rows}</table></body></html>`;
}

export interface MailSinkOptions {
  smtpPort?: number;
  webPort?: number;
  host?: string;
  /** Recipients the server refuses for good (550 at RCPT TO), as a mail server refuses an address it does not know. */
  refuseRecipient?: (address: string) => boolean;
}

export async function startMailSink(options: MailSinkOptions = {}): Promise<MailSink> {
  const host = options.host ?? '127.0.0.1';
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (!options.refuseRecipient?.(address.address)) return callback();
      callback(Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of parsed.headers) headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
          received.push({
            seq: received.length + 1,
            receivedAt: new Date(),
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            messageId: parsed.messageId ?? null,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
            headers,
          });
          for (const wake of waiters) wake();
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  let web: Server | null = null;
  let webUrl: string | null = null;
  if (options.webPort !== undefined) {
    web = createServer((req, res) => {
      const one = /^\/messages\/(\d+)$/.exec(req.url ?? '');
      if (one) {
        const mail = received[Number(one[1]) - 1];
        if (!mail) {
          res.writeHead(404).end('no such message');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(mail.html ?? `<pre>${escapeHtml(mail.text)}</pre>`);
        return;
      }
      if (req.url === '/api/messages') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderInbox(received));
    });
    await new Promise<void>((resolve, reject) => {
      web!.once('error', reject);
      web!.listen(options.webPort, host, () => resolve());
    });
    webUrl = `http://${host}:${(web.address() as AddressInfo).port}`;
  }

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    webUrl,
    messages: () => [...received],
    waitFor(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const attempt = (): boolean => {
          const found = received.find(match);
          if (found) {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve(found);
          }
          return found !== undefined;
        };
        const wake = (): void => void attempt();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no matching e-mail within ${timeoutMs} ms (${received.length} received)`));
        }, timeoutMs);
        waiters.add(wake);
        attempt();
      });
    },
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      if (web) {
        web.closeAllConnections();
        await new Promise<void>((resolve) => web!.close(() => resolve()));
      }
    },
  };
}
