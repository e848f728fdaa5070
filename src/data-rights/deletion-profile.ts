// The parts of a deletion (deletion.ts) that came with profiles, private conversations, guests and the redaction check:
// the profile and expertise, endorsements and blocks both ways, the member's place in conversations and their
// messages, and every other column since then that points at the person. Run inside anonymiseAccount's transaction.
import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/database.js'
import type { DeletionMode } from './deletion.js'

type Trx = Transaction<Database>

/** The profile's columns as a deleted account keeps them: nothing said, and the most private visibility. */
export const clearedProfile = {
  bio_html: '',
  languages: [] as string[],
  profile_visibility: 'communities' as const,
  show_organisation: true,
  show_country: true,
}

/** The picture, declared expertise (its endorsements go with it, by the foreign key) and endorsements given. */
export async function removeProfile(trx: Trx, userId: number) {
  await trx.deleteFrom('profile_pictures').where('user_id', '=', userId).execute()
  await trx.deleteFrom('member_activity').where('user_id', '=', userId).execute()
  await trx.deleteFrom('expertise_endorsements').where('user_id', '=', userId).execute()
  await trx.deleteFrom('user_expertise').where('user_id', '=', userId).execute()
  await trx.deleteFrom('expertise_endorsements').where('endorser_id', '=', userId).execute()
}

/**
 * Blocks both ways go; the member leaves every conversation (the others keep it and read on). Their messages are
 * marked deleted with "remove", as posts are (the row stays, nobody but its author reads it, and no email about it goes
 * out any more), or stay with "keep" under "Former member" (the page reads users.deleted_at).
 */
export async function leaveConversations(trx: Trx, userId: number, mode: DeletionMode) {
  await trx
    .deleteFrom('member_blocks')
    .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)]))
    .execute()
  await trx.deleteFrom('conversation_participants').where('user_id', '=', userId).execute()
  // Only the per-account sending limits read who started a conversation: a deleted account sends nothing more.
  await trx.updateTable('conversations').set({ created_by: null }).where('created_by', '=', userId).execute()
  if (mode === 'remove') {
    await trx
      .updateTable('messages')
      .set({ status: 'deleted' })
      .where('author_id', '=', userId)
      .where('status', '!=', 'deleted')
      .execute()
    await trx
      .deleteFrom('email_outbox')
      .where('status', '=', 'pending')
      .where('subject_type', '=', 'message')
      .where('subject_id', 'in', (eb) =>
        eb.selectFrom('messages').select('messages.id').where('messages.author_id', '=', userId),
      )
      .execute()
  }
  // messages.hidden_by stays: null there means "hidden by flags" to the moderation pages, so clearing the id of a
  // moderator who hid a message would misstate who did it; the anonymised users row names nobody.
}

/** The other columns that point at the person, decided one by one. */
export async function removeOtherReferences(trx: Trx, userId: number, email: string) {
  // Invitations they accepted, or addressed to them and still open, hold their email address and served only to let
  // this account in: they go (the moderation log keeps the invitation and its revocation by id).
  await trx
    .deleteFrom('guest_invitations')
    .where((eb) => eb.or([eb('accepted_user_id', '=', userId), eb(sql`lower(email)`, '=', email.toLowerCase())]))
    .execute()
  // Invitations they sent as a moderator belong to the invited guest and the community: they stay, without the
  // inviter (nothing shows it; the log keeps the act by id).
  await trx.updateTable('guest_invitations').set({ invited_by: null }).where('invited_by', '=', userId).execute()
  // A redaction decision (kept or redacted) stays, since publishing depends on it; the reviewer's name, which the
  // findings list prints, goes.
  await trx.updateTable('redaction_findings').set({ decided_by: null }).where('decided_by', '=', userId).execute()
}
