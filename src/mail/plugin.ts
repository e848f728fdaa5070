// Wires email into the app: the transport, the outbox worker (optional), and /dev/mail where messages are kept.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/connect.js'
import { devMailRoutes } from './dev-mail-routes.js'
import { createMailTransport, type MailTransport, type SmtpTimeouts } from './transport.js'
import { MailWorker, type DrainResult, type MailWorkerOptions } from './worker.js'

declare module 'fastify' {
  interface FastifyInstance {
    mail: {
      /** Sends what is due now (tests and scripts; the worker does this by itself). */
      drain(): Promise<DrainResult>
      readonly keepsMessages: boolean
    }
  }
}

export interface MailOptions {
  db: Db
  /** false: no background worker (tests call app.mail.drain()). Unset: a worker, except under NODE_ENV=test. */
  worker?: MailWorkerOptions | false
  smtpTimeouts?: SmtpTimeouts
}

export async function installMail(app: FastifyInstance, options: MailOptions) {
  const transport: MailTransport = createMailTransport(app.config.mail, options.smtpTimeouts)
  const workerOptions = options.worker ?? (app.config.env === 'test' ? false : {})
  const worker = new MailWorker(options.db, transport, app.config, app.log, workerOptions || {})
  app.decorate('mail', {
    drain: () => worker.drain(),
    keepsMessages: transport.keepsMessages,
  })
  if (workerOptions !== false) app.addHook('onReady', async () => worker.start())
  app.addHook('onClose', async () => {
    await worker.stop()
    transport.close()
  })
  if (transport.keepsMessages && app.config.env !== 'production') await app.register(devMailRoutes, { db: options.db })
}
