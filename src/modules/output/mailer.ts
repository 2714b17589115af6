/**
 * Outgoing mail through SMTP (nodemailer), configured by `SMTP_URL`, e.g.
 * `smtp://user:pass@mail.example.com:587?from=billing@example.com`. The `from` parameter is
 * Dunwell's, not nodemailer's: it is the sender address (shown with the organization's name);
 * without it the SMTP user name is used when it is an address, else `noreply@<host>`.
 */
import nodemailer from 'nodemailer';

export type MailMessage = {
  fromName: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  attachment: { filename: string; content: Buffer } | null;
};

export type Mailer = {
  /**
   * Resolves when the server accepted the message for at least one recipient, with the
   * recipients it refused; rejects with the server's reason when it took none.
   */
  send(message: MailMessage): Promise<{ refused: string[] }>;
};

/** Bounded waits, so a dead server fails a send instead of holding the request. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function senderAddress(url: URL): string {
  const explicit = url.searchParams.get('from');
  if (explicit) return explicit;
  const user = decodeURIComponent(url.username);
  if (/^[^@\s]+@[^@\s]+$/.test(user)) return user;
  const host = url.hostname;
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host) && !/^[\d.]+$/.test(host)
    ? `noreply@${host}`
    : 'noreply@localhost';
}

/** A mailer for `smtpUrl`, or null when none is configured (messages stay in the outbox). */
export function smtpMailer(smtpUrl: string | undefined): Mailer | null {
  if (!smtpUrl) return null;
  const url = new URL(smtpUrl);
  const from = senderAddress(url);
  url.searchParams.delete('from');
  const transport = nodemailer.createTransport({ url: url.toString(), ...TIMEOUTS });
  return {
    async send(message) {
      const info = await transport.sendMail({
        from: { name: message.fromName.replace(/[\r\n]+/g, ' '), address: from },
        to: message.to,
        cc: message.cc.length > 0 ? message.cc : undefined,
        subject: message.subject.replace(/[\r\n]+/g, ' '),
        text: message.text,
        attachments: message.attachment
          ? [
              {
                filename: message.attachment.filename,
                content: message.attachment.content,
                contentType: 'application/pdf',
              },
            ]
          : [],
      });
      const refused = (info.rejected as unknown[]).map((r) =>
        typeof r === 'string' ? r : String((r as { address?: unknown }).address),
      );
      return { refused };
    },
  };
}
