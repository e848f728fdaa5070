// A real SMTP server for a test file (the Nodemailer project's smtp-server) on a free loopback port, and what arrived,
// parsed by a real MIME parser (mailparser). Kring talks to it over SMTP exactly as to a production relay.
import { simpleParser, type ParsedMail } from 'mailparser'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

interface TestContext {
  teardown(fn: () => unknown): void
}

export interface ReceivedMail {
  /** RCPT TO addresses of the envelope. */
  envelopeTo: string[]
  envelopeFrom: string
  raw: string
  parsed: ParsedMail
}

export interface TestSmtp {
  url: string
  port: number
  received: ReceivedMail[]
  /** Resolves once `count` messages (in all) have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>
  /** Messages to one address, in order of arrival. */
  to(address: string): ReceivedMail[]
  /** From now on, answer each message with this SMTP error (null: accept again). */
  refuseWith(error: { code: number; message: string } | null): void
  /** From now on, answer each message only after this many milliseconds (a slow relay; 0: at once). */
  slowDown(ms: number): void
  close(): Promise<void>
}

export async function startSmtp(t: TestContext, options: { port?: number } = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = []
  const waiters: (() => void)[] = []
  let refusal: { code: number; message: string } | null = null
  let delayMs = 0
  const server = new SMTPServer({
    authOptional: true,
    // Kring's URL says smtp://, so no STARTTLS: a self-signed certificate here would only test the test.
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => setTimeout(finish, delayMs))
      function finish() {
        if (refusal) {
          const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code })
          return callback(error)
        }
        const raw = Buffer.concat(chunks).toString('utf8')
        simpleParser(raw)
          .then((parsed) => {
            received.push({
              envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              raw,
              parsed,
            })
            for (const wake of waiters.splice(0)) wake()
            callback()
          })
          .catch((err: Error) => callback(err))
      }
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  server.on('error', () => undefined)
  const port = (server.server.address() as AddressInfo).port
  let closed = false
  const close = () =>
    closed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          closed = true
          server.close(() => resolve())
        })
  t.teardown(close)
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    to: (address) => received.filter((mail) => mail.envelopeTo.includes(address)),
    refuseWith(error) {
      refusal = error
    },
    slowDown(ms) {
      delayMs = ms
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (received.length < count) {
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`expected ${count} messages over SMTP, got ${received.length}`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          waiters.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
      return received
    },
    close,
  }
}
