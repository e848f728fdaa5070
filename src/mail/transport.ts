// The nodemailer transport: a pooled SMTP connection to SMTP_URL, or, without one (development), a transport that
// only builds the message so that /dev/mail can show it exactly as it would have been sent.
import nodemailer from 'nodemailer'
import type { MailConfig } from '../config.js'

export interface SendableMessage {
  from: string
  to: string
  subject: string
  text: string
  html: string
  messageId: string
  headers: Record<string, string>
  attachments: { filename: string; content: string; contentType: string }[]
  icalEvent?: { filename: string; method: string; content: string }
}

export interface MailTransport {
  /** Resolves with the message as sent when the transport keeps it (development), else null. */
  send(message: SendableMessage): Promise<string | null>
  close(): void
  /** True when messages are kept for /dev/mail instead of sent. */
  readonly keepsMessages: boolean
}

/** Timeouts short enough that a hanging SMTP server holds a message for seconds, not the worker for minutes. */
export interface SmtpTimeouts {
  connectionTimeoutMs: number
  greetingTimeoutMs: number
  socketTimeoutMs: number
}

const defaultTimeouts: SmtpTimeouts = {
  connectionTimeoutMs: 10_000,
  greetingTimeoutMs: 10_000,
  socketTimeoutMs: 30_000,
}

export function createMailTransport(config: MailConfig, timeouts: SmtpTimeouts = defaultTimeouts): MailTransport {
  if (!config.smtpUrl) {
    const keeper = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
    return {
      keepsMessages: true,
      async send(message) {
        const info = await keeper.sendMail(message)
        return (info.message as Buffer).toString('utf8')
      },
      close: () => keeper.close(),
    }
  }
  const smtp = nodemailer.createTransport({
    url: config.smtpUrl,
    pool: true,
    maxConnections: config.concurrency,
    maxMessages: 500,
    connectionTimeout: timeouts.connectionTimeoutMs,
    greetingTimeout: timeouts.greetingTimeoutMs,
    socketTimeout: timeouts.socketTimeoutMs,
  } as Parameters<typeof nodemailer.createTransport>[0])
  return {
    keepsMessages: false,
    async send(message) {
      await smtp.sendMail(message)
      return null
    },
    close: () => smtp.close(),
  }
}
