// The "post as <label>" checkbox of the thread and reply forms.
import type { FastifyRequest } from 'fastify'
import { field } from '../web/params.js'
import { anonymousLabel } from './label.js'

/** Whether the form asks to post without a name. */
export const anonymousChoice = (body: unknown) => field(body, 'anonymous') !== ''

/** The checkbox's view model where the community allows it (its stored label is not null), else null. */
export function anonymousOption(request: FastifyRequest, stored: string | null | undefined, checked: boolean) {
  if (stored === null || stored === undefined) return null
  return { label: anonymousLabel(request.locale, stored), checked }
}
