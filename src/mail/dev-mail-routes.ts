// /dev/mail: in development without SMTP_URL, the messages Kring would have sent, as letter_opener shows them. Never
// registered in production (config refuses production without SMTP_URL) nor when SMTP_URL is set.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/connect.js'
import { notFound } from '../web/errors.js'
import { cursorParam, pathId } from '../web/params.js'

const pageSize = 50

export async function devMailRoutes(app: FastifyInstance, { db }: { db: Db }) {
  // The kept messages hold verification and reset links: only someone on this machine may read them, even when a
  // development server listens on every interface (HOST=0.0.0.0).
  app.addHook('onRequest', async (request) => {
    if (!isLoopback(request.socket.remoteAddress)) throw notFound()
  })
  app.get('/dev/mail', async (request, reply) => {
    const before = cursorParam((request.query as Record<string, unknown>).before)
    let query = db
      .selectFrom('email_outbox')
      .select(['id', 'to_address', 'subject', 'kind', 'status', 'created_at'])
      .orderBy('id', 'desc')
      .limit(pageSize + 1)
    if (before !== null) query = query.where('id', '<', String(before))
    const rows = await query.execute()
    const messages = rows.slice(0, pageSize)
    return reply.header('cache-control', 'no-store').render('dev/mail', {
      title: request.t('dev_mail.title'),
      messages: messages.map((row) => ({ ...row, statusLabel: request.t(`dev_mail.status.${row.status}`) })),
      older: rows.length > pageSize ? `/dev/mail?before=${messages[messages.length - 1].id}` : null,
    })
  })

  app.get('/dev/mail/:id', async (request, reply) => {
    const row = await findMessage(db, pathId((request.params as { id: string }).id))
    return reply.header('cache-control', 'no-store').render('dev/mail-message', {
      title: row.subject,
      message: { ...row, headerLines: Object.entries(row.headers).map(([name, value]) => ({ name, value })) },
      statusLabel: request.t(`dev_mail.status.${row.status}`),
    })
  })

  // The HTML part on its own, sandboxed: scripts, forms and remote content stay off even if a template let one in.
  app.get('/dev/mail/:id/html', async (request, reply) => {
    const row = await findMessage(db, pathId((request.params as { id: string }).id))
    return reply
      .header('cache-control', 'no-store')
      .header('content-security-policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .type('text/html; charset=utf-8')
      .send(row.html_body)
  })

  app.get('/dev/mail/:id/raw', async (request, reply) => {
    const row = await findMessage(db, pathId((request.params as { id: string }).id))
    if (!row.raw) throw notFound()
    return reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(row.raw)
  })
}

async function findMessage(db: Db, id: number) {
  const row = await db.selectFrom('email_outbox').selectAll().where('id', '=', String(id)).executeTakeFirst()
  if (!row) throw notFound()
  return row
}

function isLoopback(address: string | undefined): boolean {
  return (
    address === '127.0.0.1' ||
    address === '::1' ||
    address === '::ffff:127.0.0.1' ||
    address?.startsWith('127.') === true
  )
}
