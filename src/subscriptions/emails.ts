// The wider circle's emails: the confirmation of a new subscription, the note to an address already subscribed, and
// the weekly digest. All in the subscriber's language, from the layout that escapes everything (src/mail/layout.ts).
import type { Config } from '../config.js'
import type { OutgoingEmail } from '../mail/compose.js'
import { renderEmail, type EmailSection } from '../mail/layout.js'
import { translate, type Locale } from '../web/i18n.js'

type Links = Pick<Config, 'publicUrl'>

export const manageUrl = (config: Links, token: string) => `${config.publicUrl}/subscriptions/${token}`
export const oneClickUrl = (config: Links, token: string) => `${config.publicUrl}/subscriptions/${token}/unsubscribe`

export function confirmationEmail(
  config: Links,
  to: { email: string; locale: Locale },
  targetName: string,
  confirmToken: string,
): OutgoingEmail {
  const t = (key: string) => translate(to.locale, key, { target: targetName })
  const body = renderEmail(to.locale, {
    heading: t('subscriptions.email.confirm.heading'),
    paragraphs: [t('subscriptions.email.confirm.body'), t('subscriptions.email.confirm.ignore')],
    action: { label: t('subscriptions.email.confirm.action'), url: `${manageUrl(config, confirmToken)}/confirm` },
  })
  return {
    to: to.email,
    kind: 'subscription.confirm',
    locale: to.locale,
    subject: t('subscriptions.email.confirm.subject'),
    ...body,
  }
}

export function alreadySubscribedEmail(
  config: Links,
  to: { email: string; locale: Locale },
  targetName: string,
  manageToken: string,
): OutgoingEmail {
  const t = (key: string) => translate(to.locale, key, { target: targetName })
  const body = renderEmail(to.locale, {
    heading: t('subscriptions.email.already.heading'),
    paragraphs: [t('subscriptions.email.already.body'), t('subscriptions.email.already.ignore')],
    action: { label: t('subscriptions.email.manage'), url: manageUrl(config, manageToken) },
    unsubscribeUrl: oneClickUrl(config, manageToken),
  })
  return {
    to: to.email,
    kind: 'subscription.already',
    locale: to.locale,
    subject: t('subscriptions.email.already.subject'),
    unsubscribeUrl: oneClickUrl(config, manageToken),
    ...body,
  }
}

export interface DigestArticle {
  slug: string
  title: string
  summary: string | null
  kind: 'practice' | 'session_summary'
  published_at: Date
}

export function digestEmail(
  config: Links,
  to: { email: string; locale: Locale },
  target: { name: string; path: string },
  articles: DigestArticle[],
  manageToken: string,
): OutgoingEmail {
  const locale = to.locale
  const t = (key: string, vars: Record<string, string | number> = {}) =>
    translate(locale, key, { target: target.name, ...vars })
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' })
  const section = (kind: DigestArticle['kind']): EmailSection => ({
    heading: t(`subscriptions.email.digest.section.${kind}`),
    items: articles
      .filter((a) => a.kind === kind)
      .map((a) => ({
        title: a.title,
        url: `${config.publicUrl}/library/${a.slug}`,
        meta: date.format(new Date(a.published_at)),
        excerpt: a.summary ?? undefined,
      })),
  })
  const sections = [section('practice'), section('session_summary')].filter((s) => s.items.length > 0)
  const unsubscribe = oneClickUrl(config, manageToken)
  const body = renderEmail(locale, {
    heading: t('subscriptions.email.digest.heading'),
    paragraphs: [t('subscriptions.email.digest.intro', { count: articles.length })],
    sections,
    action: { label: t('subscriptions.email.digest.action'), url: `${config.publicUrl}${target.path}` },
    reason: t('subscriptions.email.digest.reason'),
    unsubscribeUrl: unsubscribe,
    preferencesUrl: manageUrl(config, manageToken),
  })
  return {
    to: to.email,
    kind: 'subscription.digest',
    locale,
    subject: t('subscriptions.email.digest.subject', { count: articles.length }),
    unsubscribeUrl: unsubscribe,
    ...body,
  }
}
