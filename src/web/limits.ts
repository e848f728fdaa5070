// Length limits of form fields, named in the message the writer sees, with the numbers in their language's notation.
import type { FastifyRequest } from 'fastify'
import type { MarkdownCheck } from '../markdown/render.js'
import { HttpError } from './errors.js'
import { translate, type Locale, type Vars } from './i18n.js'
import { localVars } from './local-numbers.js'
import { field } from './params.js'

/** A field's problem: a catalog key, or a key with the numbers its message names (a limit and the text's length). */
export type FieldMessage = string | { key: string; vars: Vars }
export type FieldMessages = Record<string, FieldMessage>

/** Characters as the limit counts them (UTF-16 units, as `maxlength` in the browser does). */
export const tooLong = (text: string, max: number, key = 'form.error.too_long'): FieldMessage => ({
  key,
  vars: { length: text.length, max },
})

/** Records a too-long field in `errors`; true when it was too long. */
export function checkLength(errors: FieldMessages, name: string, text: string, max: number): boolean {
  if (text.length <= max) return false
  errors[name] = tooLong(text, max)
  return true
}

export function fieldMessage(request: FastifyRequest, message: FieldMessage): string {
  return typeof message === 'string'
    ? request.t(message)
    : request.t(message.key, localVars(request.locale, message.vars))
}

/** The same outside a request (scripts), in a given interface language. */
export function messageIn(locale: Locale, message: FieldMessage): string {
  return typeof message === 'string'
    ? translate(locale, message)
    : translate(locale, message.key, localVars(locale, message.vars))
}

export function fieldMessages(request: FastifyRequest, errors: FieldMessages): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([name, message]) => [name, fieldMessage(request, message)]))
}

/**
 * The refusal of a short form that answers with an error page rather than itself (a flag's note, a moderator's reason,
 * a question): the page gives the text back, to copy. A limit is a 422 that names it; any other problem stays a 400.
 */
export function refusedText(message: FieldMessage, keptText: string): HttpError {
  if (typeof message === 'string') return new HttpError(400, message, undefined, keptText || undefined)
  return new HttpError(422, message.key, message.vars, keptText || undefined)
}

/** A short form's text over its cap: a 422 naming the limit, the text given back. */
export const textTooLong = (text: string, max: number): HttpError => refusedText(tooLong(text, max), text)

/** A Markdown check's refusal as a field message; too long names the text's size and the limit, in KB and bytes. */
export function markdownProblem(check: MarkdownCheck & { ok: false }): FieldMessage {
  if (check.reason !== 'too_long' || check.bytes === undefined || check.maxBytes === undefined)
    return `markdown.error.${check.reason}`
  return {
    key: 'markdown.error.too_long',
    vars: { bytes: check.bytes, max: check.maxBytes, kb: Math.floor(check.maxBytes / 1024) },
  }
}

/** The cap of a moderator's reason or a flag's note: long enough to explain, short enough for the log and the queue. */
export const maxReasonLength = 500

/** A short text field, trimmed; over `max` it is refused with the limit named and the text given back, never cut. */
export function shortTextField(body: unknown, name: string, max = maxReasonLength): string {
  const text = field(body, name).trim()
  if (text.length > max) throw textTooLong(text, max)
  return text
}
