// Reading ids, cursors and form fields from untrusted input: anything unexpected is a clear 400, never a 500.
import { badRequest, notFound } from './errors.js'

const maxInt = 2_147_483_647

/** An id in a URL path: anything else is a page that does not exist. */
export function pathId(raw: unknown): number {
  const id = positiveInt(raw)
  if (id === null) throw notFound()
  return id
}

export function positiveInt(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,9}$/.test(raw)) return null
  const value = Number(raw)
  return value <= maxInt ? value : null
}

/** An optional cursor in a query string: absent is fine, malformed (negative, text, huge) is a 400. */
export function cursorParam(raw: unknown): number | null {
  if (raw === undefined || raw === '') return null
  const value = positiveInt(raw)
  if (value === null) throw badRequest('error.cursor.message')
  return value
}

export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value.replace(/\r\n/g, '\n') : ''
}

/** A field that may be sent several times (checkboxes): always a list of strings. */
export function fieldList(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return typeof value === 'string' && value !== '' ? [value] : []
}

export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

export function slugify(text: string, maxLength = 60): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '')
  return slug || 'thread'
}

/**
 * Form bodies: every field a string (or a list for repeated checkboxes). Types only, no lengths: a field over its cap
 * is the form's own check, which names the limit and gives the text back; the request body limit caps the whole.
 */
export function formSchema(fields: string[], lists: string[] = []) {
  return {
    body: {
      type: 'object',
      properties: Object.fromEntries<object>([
        ...fields.map((name): [string, object] => [name, { type: 'string' }]),
        ...lists.map((name): [string, object] => [
          name,
          {
            anyOf: [
              { type: 'string', maxLength: 200 },
              { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 200 } },
            ],
          },
        ]),
      ]),
    },
  }
}
