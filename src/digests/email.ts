// A member's digest as an email: sections of what is new, each item linking to the exact thing, in the member's
// language and time zone, with the digest's unsubscribe link and the preferences link. Everything is rendered escaped
// by renderEmail.
import type { Config } from '../config.js'
import type { OutgoingEmail } from '../mail/compose.js'
import { renderEmail, type EmailSection } from '../mail/layout.js'
import { digestUnsubscribeUrl, preferencesUrl, textVars } from '../notifications/notify.js'
import { translate, type Locale } from '../web/i18n.js'
import { formatDateTime } from '../web/time.js'
import type { DigestContent } from './gather.js'
import type { DigestFrequency } from './slots.js'

const perSection = 20

export interface DigestRecipient {
  id: number
  email: string
  locale: Locale
  timeZone: string
}

function truncated(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

export function digestEmail(
  config: Pick<Config, 'publicUrl' | 'sessionSecret'>,
  recipient: DigestRecipient,
  frequency: DigestFrequency,
  content: DigestContent,
): OutgoingEmail {
  const { locale, timeZone } = recipient
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars)
  const when = (date: Date) => formatDateTime(date, locale, timeZone)
  const url = (path: string) => `${config.publicUrl}${path}`
  const sections: EmailSection[] = []
  const capped = <T>(items: T[]) => items.slice(0, perSection)

  if (content.notifications.length > 0)
    sections.push({
      heading: t('digest.section.notifications'),
      items: capped(content.notifications).map((n) => ({
        title: translate(locale, `notification.${n.kind}`, textVars(locale, n.data, n.count)),
        url: url(n.url),
      })),
    })
  if (content.threads.length > 0)
    sections.push({
      heading: t('digest.section.threads'),
      items: capped(content.threads).map((th) => ({
        title: th.title,
        url: url(`/t/${th.id}`),
        meta: t('digest.thread.meta', { author: th.authorName, community: th.communityName, when: when(th.createdAt) }),
      })),
    })
  if (content.replies.length > 0) {
    // Replies are grouped per thread: "3 new replies", linking to the first one not read yet. Through /posts/ID, which
    // redirects to the page of the thread it is on, as notifications link: /t/ID#post-X would open the first page.
    const byThread = new Map<number, { title: string; community: string; first: number; count: number }>()
    for (const reply of content.replies) {
      const known = byThread.get(reply.threadId)
      if (known) known.count++
      else
        byThread.set(reply.threadId, {
          title: reply.threadTitle,
          community: reply.communityName,
          first: reply.postId,
          count: 1,
        })
    }
    sections.push({
      heading: t('digest.section.replies'),
      items: capped([...byThread]).map(([threadId, thread]) => ({
        title: thread.title,
        url: url(`/posts/${thread.first}`),
        meta: t('digest.replies.meta', { count: thread.count, community: thread.community }),
      })),
    })
  }
  if (content.articles.length > 0)
    sections.push({
      heading: t('digest.section.articles'),
      items: capped(content.articles).map((a) => ({
        title: a.title,
        url: url(`/library/${a.slug}`),
        meta: t('digest.article.meta', { when: formatDateTime(a.publishedAt, locale, timeZone, 'date') }),
        excerpt: a.summary ? truncated(a.summary) : undefined,
      })),
    })
  if (content.meetings.length > 0)
    sections.push({
      heading: t('digest.section.meetings'),
      items: capped(content.meetings).map((m) => ({
        title: m.title,
        url: url(`/meetings/${m.id}`),
        meta: t('digest.meeting.meta', { when: when(m.startsAt), community: m.communityName }),
      })),
    })
  if (content.actionItems.length > 0)
    sections.push({
      heading: t('digest.section.action_items'),
      items: capped(content.actionItems).map((item) => ({
        title: truncated(item.text, 120),
        url: url(`/meetings/${item.meetingId}`),
        meta: item.dueOn
          ? t('digest.action_item.meta_due', {
              meeting: item.meetingTitle,
              // A calendar day, not an instant: shown as it is, whatever the member's zone.
              due: formatDateTime(`${item.dueOn}T12:00:00Z`, locale, 'UTC', 'date'),
            })
          : t('digest.action_item.meta', { meeting: item.meetingTitle }),
      })),
    })

  // Stops this digest entirely: the digest and every category gathered in it at this frequency.
  const unsubscribe = digestUnsubscribeUrl(config, recipient.id, frequency)
  const heading = t(`digest.heading.${frequency}`)
  const body = renderEmail(locale, {
    heading,
    paragraphs: [t(`digest.intro.${frequency}`)],
    sections,
    action: { label: t('digest.open'), url: url('/') },
    reason: t('digest.reason'),
    unsubscribeUrl: unsubscribe,
    preferencesUrl: preferencesUrl(config, recipient.id),
  })
  return {
    to: recipient.email,
    userId: recipient.id,
    kind: `digest.${frequency}`,
    locale,
    subject: heading,
    unsubscribeUrl: unsubscribe,
    ...body,
  }
}
