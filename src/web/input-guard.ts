// Bytes PostgreSQL cannot store (U+0000 in text) are taken out of every form field, query parameter and path segment
// once, before validation, so no route answers 500 on them and the rest of what the person wrote is kept.
import type { FastifyInstance } from 'fastify'

const nul = /\u0000/g

/** Strips NUL from every string in a parsed body, query or params object, in place; returns whether it changed any. */
export function stripNul(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  let changed = false
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    const item = record[key]
    if (typeof item === 'string') {
      if (item.includes('\u0000')) {
        record[key] = item.replace(nul, '')
        changed = true
      }
    } else if (item !== null && typeof item === 'object') {
      changed = stripNul(item) || changed
    }
    if (key.includes('\u0000')) {
      // A field name with a NUL is no field any route reads: keep its value under the cleaned name.
      record[key.replace(nul, '')] = record[key]
      delete record[key]
      changed = true
    }
  }
  return changed
}

export function installInputGuard(app: FastifyInstance) {
  app.addHook('preValidation', (request, _reply, done) => {
    const changed = [request.params, request.query, request.body].map(stripNul)
    if (changed.includes(true)) request.log.info('NUL characters were removed from the request')
    done()
  })
}
