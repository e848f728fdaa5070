// What a member hears by email, per category of event: at once, gathered in the daily or weekly digest, or never;
// and the global pause. Account mail (verification, password reset, email change) is not a preference: it always goes.
import type { EmailDelivery } from '../db/database.js'

export const emailCategories = [
  /** Replies to you and @mentions. */
  'replies',
  /** New posts and threads in what you watch. */
  'watching',
  /** Your posts approved or hidden, your articles sent back or published, comments on your articles. */
  'your_content',
  /** Join requests answered, invitations. */
  'communities',
  /** Meetings planned, changed or cancelled, reminders, delegate briefings. */
  'meetings',
  /** Action items assigned to you or due; topic votes opened or closed. */
  'actions',
  /** The summary of what is new: threads and replies you watch, library articles in your themes, upcoming meetings. */
  'digest',
] as const
export type EmailCategory = (typeof emailCategories)[number]

export const deliveries: readonly EmailDelivery[] = ['immediately', 'daily', 'weekly', 'never']

const defaults: Record<EmailCategory, EmailDelivery> = {
  replies: 'immediately',
  watching: 'immediately',
  your_content: 'immediately',
  communities: 'immediately',
  meetings: 'immediately',
  actions: 'immediately',
  digest: 'weekly',
}

/** Which deliveries a category offers: the digest is never "immediately". */
export function deliveriesFor(category: EmailCategory): readonly EmailDelivery[] {
  return category === 'digest' ? ['daily', 'weekly', 'never'] : deliveries
}

export function isEmailCategory(value: unknown): value is EmailCategory {
  return typeof value === 'string' && (emailCategories as readonly string[]).includes(value)
}

export interface MailRecipient {
  email: string
  email_verified_at: Date | null
  mail_paused: boolean
  email_preferences: Record<string, EmailDelivery>
}

/** How a member gets email of a category now: paused or unverified members get none of it. */
export function deliveryFor(recipient: MailRecipient, category: EmailCategory): EmailDelivery {
  if (recipient.mail_paused || recipient.email_verified_at === null) return 'never'
  const chosen = recipient.email_preferences[category]
  return chosen && deliveriesFor(category).includes(chosen) ? chosen : defaults[category]
}
