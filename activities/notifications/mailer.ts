/** The SMTP transport (nodemailer) activities send through. */
import nodemailer, { type Transporter } from 'nodemailer';

export function createMailer(smtpUrl: string): Transporter {
  return nodemailer.createTransport({
    url: smtpUrl,
    // Bounded, so an unreachable server fails the attempt and Temporal retries it.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}
