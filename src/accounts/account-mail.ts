// The emails of account life: verify the address, someone tried to register with it, reset the password, the password
// changed, confirm a new address, the address changed. They ignore preferences and the pause (a member cannot opt out
// of hearing that their password changed), in the member's language; links are Kring's own absolute URLs.
import type { Transaction } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { enqueueEmail } from '../mail/compose.js'
import { isSendableAddress } from '../mail/header-text.js'
import { renderEmail } from '../mail/layout.js'
import { translate, type Locale, type Vars } from '../web/i18n.js'

type Trx = Transaction<Database>
type MailConfig = Pick<Config, 'publicUrl'>

export type AccountMailKind =
  'verify' | 'already_registered' | 'reset' | 'password_changed' | 'email_change' | 'email_changed'

export interface AccountMail {
  to: string
  userId: number
  locale: Locale
  kind: AccountMailKind
  name: string
  /** Path of the link the message leads to (`/verify/<token>`), made absolute here. */
  path: string
  vars?: Vars
}

export async function sendAccountMail(trx: Trx, config: MailConfig, mail: AccountMail): Promise<void> {
  // Addresses come from our own validated forms; one that cannot be sent to is left alone rather than failing the
  // whole change (registration or reset must not reveal anything by failing).
  if (!isSendableAddress(mail.to)) return
  const t = (key: string) =>
    translate(mail.locale, `account_mail.${mail.kind}.${key}`, { name: mail.name, ...mail.vars })
  const url = new URL(mail.path, config.publicUrl).toString()
  const body = renderEmail(mail.locale, {
    heading: t('heading'),
    paragraphs: [t('body'), t('ignore')],
    action: { label: t('action'), url },
    reason: translate(mail.locale, 'account_mail.reason'),
  })
  await enqueueEmail(trx, config, {
    to: mail.to,
    userId: mail.userId,
    kind: `account.${mail.kind}`,
    locale: mail.locale,
    subject: t('subject'),
    ...body,
  })
}
