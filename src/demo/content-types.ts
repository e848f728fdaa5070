// The shape of the demo content (src/demo/content.ts); src/demo/seed.ts turns it into rows through the app's commands.

/** People are referred to by `key` everywhere else in the demo content. */
export interface DemoPerson {
  key: string
  email: string
  displayName: string
  siteRole: 'member' | 'admin'
  locale: 'en' | 'nl'
  organisation: string
  country: string // ISO 3166-1 alpha-2
  timeZone: string // IANA
  bio: string
}

export interface DemoTheme {
  slug: string
  labels: { en: string; nl: string; de?: string; fr?: string }
}

export interface DemoReply {
  author: string // DemoPerson.key
  body: string // Markdown
  hoursAfterThread: number
  replies?: DemoReply[]
}

export interface DemoThread {
  author: string
  title: string
  body: string // Markdown
  themes: string[] // DemoTheme.slug
  daysAgo: number
  pinned?: boolean
  replies: DemoReply[]
}

export interface DemoCommunity {
  slug: string
  name: string
  description: string // Markdown
  visibility: 'public' | 'members'
  joinPolicy: 'open' | 'request' | 'invite'
  moderators: string[] // DemoPerson.key
  members: string[] // DemoPerson.key, besides the moderators
  pendingRequests?: { person: string; note: string }[]
  threads: DemoThread[]
}
