// The Database interface Kysely checks every query against; one table a section.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>
type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface UsersTable {
  suspension_reason: string | null
  id: Generated<number>
  email: string
  display_name: string
  password_hash: string
  site_role: ColumnType<'member' | 'admin', 'member' | 'admin' | undefined, 'member' | 'admin'>
  status: ColumnType<'active' | 'suspended', 'active' | 'suspended' | undefined, 'active' | 'suspended'>
  suspended_until: Timestamp | null
  locale: string | null
  time_zone: string | null
  organisation: string | null
  country: string | null
  bio: string | null
  is_demo: ColumnType<boolean, boolean | undefined, boolean>
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
  /** When a site or community role of this user last changed: older sessions get a new id on their next request. */
  role_changed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  /** null until the address is confirmed by the link sent at registration. */
  email_verified_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  /** Every email but account mail (verification, reset) held back. */
  mail_paused: ColumnType<boolean, boolean | undefined, boolean>
  /** Kind of email → how it is delivered; a kind missing here takes its default (src/mail/preferences.ts). */
  email_preferences: ColumnType<Record<string, EmailDelivery>, string | undefined, string>
  digest_hour: ColumnType<number, number | undefined, number>
  digest_weekday: ColumnType<number, number | undefined, number>
  watch_on_start: ColumnType<WatchLevel, WatchLevel | undefined, WatchLevel>
  watch_on_reply: ColumnType<WatchLevel, WatchLevel | undefined, WatchLevel>
  /** The member asked to delete their account (src/data-rights): carried out after the grace period. */
  deletion_requested_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  /** What happens to their content: removed, or kept under "Former member". */
  deletion_mode: ColumnType<'remove' | 'keep' | null, 'remove' | 'keep' | null | undefined, 'remove' | 'keep' | null>
  /** The account was anonymised: shown as "Former member", never logged in to again. */
  deleted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  /** An account made by a guest invitation: it reaches only what its invitations name (src/guests/policy.ts). */
  guest: ColumnType<boolean, boolean | undefined, boolean>
  /** ISO 639-1 codes of the languages the member speaks (src/people/fields.ts). */
  languages: ColumnType<string[], string[] | undefined, string[]>
  profile_visibility: ColumnType<ProfileVisibility, ProfileVisibility | undefined, ProfileVisibility>
  show_organisation: ColumnType<boolean, boolean | undefined, boolean>
  show_country: ColumnType<boolean, boolean | undefined, boolean>
  bio_html: ColumnType<string, string | undefined, string>
  /** The newest thread or reply of the member, kept by a trigger: the directory's "by activity". */
}

/** Who may see a profile: members sharing an active community, every logged-in member, or anyone. */
export type ProfileVisibility = 'communities' | 'members' | 'public'

export interface UserExpertiseTable {
  user_id: number
  tag_id: number
  created_at: CreatedAt
}

export interface ExpertiseEndorsementsTable {
  user_id: number
  tag_id: number
  endorser_id: number
  created_at: CreatedAt
}

/** A member's newest thread or reply, kept by a trigger on their inserts: the directory's "by activity" sort. */
export interface MemberActivityTable {
  user_id: number
  last_posted_at: Date
}

export interface ProfilePicturesTable {
  user_id: number
  bytes: Buffer
  content_type: string
  etag: string
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** An invitation of a guest to one thread or one meeting (migrations/2026_12_04_1200_guest_invitations.ts). */
export interface GuestInvitationsTable {
  id: Generated<number>
  email: string
  invited_by: number | null
  community_id: number
  thread_id: number | null
  meeting_id: number | null
  /** The last day of access, a calendar day ('2026-12-31'), in the guest's own time zone. */
  ends_on: ColumnType<string, string, string>
  note: string | null
  token_hash: string
  accepted_user_id: number | null
  accepted_at: Timestamp | null
  revoked_at: Timestamp | null
  created_at: CreatedAt
}

/** A member's download of their data (migrations/2026_12_04_1400_data_rights.ts): the zip kept for 7 days. */
export interface DataExportsTable {
  id: Generated<number>
  user_id: number
  status: ColumnType<DataExportStatus, DataExportStatus | undefined, DataExportStatus>
  bytes: Uint8Array | null
  size: number | null
  attempts: ColumnType<number, number | undefined, number>
  claimed_at: Timestamp | null
  created_at: CreatedAt
  ready_at: Timestamp | null
  expires_at: Timestamp | null
  downloaded_at: Timestamp | null
}
export type DataExportStatus = 'requested' | 'building' | 'ready' | 'failed' | 'expired'

export type WatchLevel = 'watching' | 'tracking' | 'normal' | 'muted'
export type WatchTarget = 'thread' | 'community' | 'theme'
export type EmailDelivery = 'immediately' | 'daily' | 'weekly' | 'never'

export interface LoginThrottlesTable {
  email_key: string
  failures: number
  last_failed_at: Timestamp
  locked_until: Timestamp | null
}

export interface SessionsTable {
  sid: string
  data: ColumnType<unknown, string, string>
  user_id: number | null
  expires_at: Timestamp
}

export interface CommunitiesTable {
  premoderation_count: Generated<number>
  id: Generated<number>
  slug: string
  name: string
  description_md: ColumnType<string, string | undefined, string>
  description_html: ColumnType<string, string | undefined, string>
  visibility: ColumnType<'public' | 'members', 'public' | 'members' | undefined, 'public' | 'members'>
  join_policy: ColumnType<
    'open' | 'request' | 'invite',
    'open' | 'request' | 'invite' | undefined,
    'open' | 'request' | 'invite'
  >
  member_count: Generated<number>
  thread_count: Generated<number>
  last_activity_at: Timestamp | null
  is_demo: ColumnType<boolean, boolean | undefined, boolean>
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
  /** A members-only community that outsiders may find: name, description and moderators (2026_12_03_1200). */
  listed: ColumnType<boolean, boolean | undefined, boolean>
  /** Posting without a name: null not allowed, '' the default label, else the community's label (2026_12_04_1300). */
  anonymous_label: ColumnType<string | null, string | null | undefined, string | null>
}

export type MemberRole = 'member' | 'moderator'
export type MemberStatus = 'pending' | 'active' | 'declined'

export interface CommunityMembersTable {
  community_id: number
  user_id: number
  role: ColumnType<MemberRole, MemberRole | undefined, MemberRole>
  status: ColumnType<MemberStatus, MemberStatus | undefined, MemberStatus>
  request_note: string | null
  decline_reason: string | null
  approved_posts: Generated<number>
  invite_id: number | null
  requested_at: CreatedAt
  joined_at: Timestamp | null
  decided_by: number | null
}

export interface CommunityInvitesTable {
  id: Generated<number>
  community_id: number
  token_hash: string
  created_by: number | null
  expires_at: Timestamp
  max_uses: number
  uses: Generated<number>
  revoked_at: Timestamp | null
  created_at: CreatedAt
}

export interface TagsTable {
  id: Generated<number>
  slug: string
  kind: ColumnType<'theme' | 'topic', 'theme' | 'topic' | undefined, 'theme' | 'topic'>
  merged_into_id: number | null
  is_demo: ColumnType<boolean, boolean | undefined, boolean>
  created_at: CreatedAt
}

export interface TagLabelsTable {
  tag_id: number
  locale: string
  label: string
}

export type ContentStatus = 'visible' | 'pending' | 'hidden' | 'deleted'

export interface ThreadsTable {
  hidden_reason: string | null
  hidden_by: number | null
  id: Generated<number>
  community_id: number
  author_id: number
  title: string
  body_md: string
  body_html: string
  status: ColumnType<ContentStatus, ContentStatus | undefined, ContentStatus>
  locked: ColumnType<boolean, boolean | undefined, boolean>
  pinned: ColumnType<boolean, boolean | undefined, boolean>
  reply_count: Generated<number>
  last_post_at: ColumnType<Date, Date | string | undefined, Date | string>
  last_poster_id: number | null
  created_at: CreatedAt
  edited_at: Timestamp | null
  edited_by: number | null
  deleted_at: Timestamp | null
  /** Raised by every edit of the text; an edit form sends the one it started from (see the edit_versions migration). */
  version: Generated<number>
  /** The reply marked as the answer, by the starter or a moderator (2026_12_03_0900 migration). */
  answer_post_id: number | null
  answered_by: number | null
  answered_at: Timestamp | null
  lock_reason: string | null
  pin_reason: string | null
  /** Posted without a name: readers see the community's label (2026_12_04_1300). */
  anonymous: ColumnType<boolean, boolean | undefined, boolean>
}

export interface ThreadTagsTable {
  thread_id: number
  tag_id: number
}

export interface PostsTable {
  hidden_reason: string | null
  hidden_by: number | null
  id: Generated<number>
  thread_id: number
  parent_id: number | null
  author_id: number
  body_md: string
  body_html: string
  status: ColumnType<ContentStatus, ContentStatus | undefined, ContentStatus>
  path: string
  depth: number
  created_at: CreatedAt
  edited_at: Timestamp | null
  edited_by: number | null
  deleted_at: Timestamp | null
  /** Raised by every edit of the text; an edit form sends the one it started from (see the edit_versions migration). */
  version: Generated<number>
  /** Posted without a name: readers see the community's label (2026_12_04_1300). */
  anonymous: ColumnType<boolean, boolean | undefined, boolean>
}

export interface PostRevisionsTable {
  id: Generated<number>
  thread_id: number
  post_id: number | null
  editor_id: number | null
  title: string | null
  body_md: string
  body_html: string
  created_at: CreatedAt
}

export interface FormSubmissionsTable {
  key: string
  user_id: number
  result_url: string
  created_at: CreatedAt
}

export type ArticleKind = 'practice' | 'theme' | 'session_summary' | 'guide'
export type ArticleStatus = 'draft' | 'in_review' | 'published' | 'archived'

export interface ArticlesTable {
  hidden_at: Timestamp | null
  hidden_reason: string | null
  id: Generated<number>
  slug: string
  title: string
  summary: ColumnType<string, string | undefined, string>
  kind: ArticleKind
  language: string
  body_md: string
  body_html: string
  body_text: ColumnType<string, string | undefined, string>
  practice_context: string | null
  practice_target_group: string | null
  practice_country: string | null
  practice_what_worked: string | null
  practice_what_did_not: string | null
  practice_contact: string | null
  status: ColumnType<ArticleStatus, ArticleStatus | undefined, ArticleStatus>
  review_comment: string | null
  community_id: number | null
  author_id: number
  translation_group_id: number | null
  translated_from_id: number | null
  translated_from_revision: number | null
  revision: Generated<number>
  is_demo: ColumnType<boolean, boolean | undefined, boolean>
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
  published_at: Timestamp | null
  /** Its source was members-only: every redaction finding must be decided before it is published. */
  redaction_required: ColumnType<boolean, boolean | undefined, boolean>
  redaction_scanned_revision: number | null
}

/** A field of an article a finding is in (migrations/2026_12_04_1900_redaction_of_practice_fields.ts). */
export type RedactionField =
  | 'title'
  | 'summary'
  | 'body'
  | 'practice_context'
  | 'practice_target_group'
  | 'practice_what_worked'
  | 'practice_what_did_not'
  | 'practice_contact'
export type RedactionStatus = 'open' | 'confirmed' | 'redacted'

/** Personal data the redaction check found in an article (migrations/2026_12_04_1500_redaction_findings.ts). */
export interface RedactionFindingsTable {
  id: Generated<number>
  article_id: number
  field: RedactionField
  kind: string
  text: string
  start_offset: number
  end_offset: number
  context: string
  status: ColumnType<RedactionStatus, RedactionStatus | undefined, RedactionStatus>
  decided_by: number | null
  decided_at: Timestamp | null
  /** In the text of the edit waiting on the article (article_pending_edits), not in the article's own text. */
  in_pending_edit: ColumnType<boolean, boolean | undefined, boolean>
  created_at: CreatedAt
}

export interface ArticleRevisionsTable {
  id: Generated<number>
  article_id: number
  revision: number
  editor_id: number | null
  title: string
  summary: string
  body_md: string
  body_html: string
  practice: ColumnType<unknown, string | null, string | null>
  restored_from: number | null
  created_at: CreatedAt
}

export interface ArticleTagsTable {
  article_id: number
  tag_id: number
}

export interface ArticleSourcesTable {
  article_id: number
  thread_id: number
  post_id: number | null
}

export interface CommentsTable {
  hidden_reason: string | null
  hidden_by: number | null
  id: Generated<number>
  article_id: number
  parent_id: number | null
  author_id: number
  body_md: string
  body_html: string
  status: ColumnType<ContentStatus, ContentStatus | undefined, ContentStatus>
  created_at: CreatedAt
  edited_at: Timestamp | null
  deleted_at: Timestamp | null
  /** Raised by every edit of the text; an edit form sends the one it started from (see the edit_versions migration). */
  version: Generated<number>
}

export type SearchEntityType = 'thread' | 'post' | 'article' | 'community' | 'theme'

export interface SearchOutboxTable {
  id: Generated<number>
  entity_type: SearchEntityType
  entity_id: number
  op: ColumnType<'upsert' | 'delete', 'upsert' | 'delete' | undefined, 'upsert' | 'delete'>
  version: Generated<number>
  enqueued_at: CreatedAt
  last_enqueued_at: CreatedAt
  attempts: Generated<number>
  last_error: string | null
  next_attempt_at: CreatedAt
  claimed_until: Timestamp | null
  done_at: Timestamp | null
}

export type FlagTarget = 'thread' | 'post' | 'comment' | 'article' | 'message'
export type FlagReason = 'spam' | 'abuse' | 'off_topic' | 'privacy' | 'other'

export interface FlagsTable {
  id: Generated<number>
  target_type: FlagTarget
  target_id: number
  reporter_id: number
  reason: FlagReason
  note: string | null
  review_item_id: number | null
  created_at: CreatedAt
}

export interface ReviewItemsTable {
  id: Generated<number>
  target_type: FlagTarget
  target_id: number
  community_id: number | null
  kind: 'flagged' | 'queued'
  status: ColumnType<
    'pending' | 'approved' | 'rejected' | 'ignored',
    'pending' | 'approved' | 'rejected' | 'ignored' | undefined,
    'pending' | 'approved' | 'rejected' | 'ignored'
  >
  resolution: string | null
  resolution_reason: string | null
  resolved_by: number | null
  resolved_at: Timestamp | null
  created_at: CreatedAt
}

export interface ModerationLogTable {
  id: Generated<number>
  actor_id: number | null
  action: string
  target_type: string | null
  target_id: number | null
  community_id: number | null
  subject_user_id: number | null
  reason: string | null
  refused: ColumnType<boolean, boolean | undefined, boolean>
  created_at: CreatedAt
}

export interface WatchedWordsTable {
  id: Generated<number>
  phrase: string
  action: 'block' | 'queue'
  created_by: number | null
  created_at: CreatedAt
}

/** Bumped by triggers whenever a thread page changes for visitors; thread_id 0 stands for every thread page. */
export interface ThreadPageVersionsTable {
  thread_id: number
  version: number
}

/** Bumped by triggers whenever a page a visitor sees changes; scope 'library' is every library page. */
export interface PageVersionsTable {
  scope: string
  version: number
}

export interface MeetingsTable {
  id: Generated<number>
  community_id: number
  organiser_id: number | null
  title: string
  topic: ColumnType<string, string | undefined, string>
  starts_at: Timestamp
  ends_at: Timestamp
  time_zone: string
  online_url: string | null
  agenda_md: ColumnType<string, string | undefined, string>
  agenda_html: ColumnType<string, string | undefined, string>
  summary_article_id: ColumnType<number | null, number | null | undefined, number | null>
  is_demo: ColumnType<boolean, boolean | undefined, boolean>
  created_at: CreatedAt
  updated_at: CreatedAt
  /** iCalendar SEQUENCE: raised on every edit and on cancelling, so calendar apps take the newer version. */
  sequence: ColumnType<number, number | undefined, number>
  cancelled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  cancel_reason: ColumnType<string | null, string | null | undefined, string | null>
}

export interface MeetingThemesTable {
  meeting_id: number
  tag_id: number
}

export interface MeetingAttendanceTable {
  meeting_id: number
  user_id: number
  attending: boolean
  delegate_id: number | null
  updated_at: CreatedAt
}

export interface MeetingQuestionsTable {
  id: Generated<number>
  meeting_id: number
  author_id: number | null
  body: string
  discussed: ColumnType<boolean, boolean | undefined, boolean>
  created_at: CreatedAt
}

export interface MeetingQuestionVotesTable {
  question_id: number
  user_id: number
}

export interface MeetingRoomsTable {
  id: Generated<number>
  meeting_id: number
  name: string
  language: string
  facilitator_id: number | null
  note_taker_id: number | null
  worked_md: ColumnType<string, string | undefined, string>
  did_not_work_md: ColumnType<string, string | undefined, string>
  call_to_action_md: ColumnType<string, string | undefined, string>
  updated_at: CreatedAt
  /** Raised by every edit of the text; an edit form sends the one it started from (see the edit_versions migration). */
  version: Generated<number>
}

export type ActionItemStatus = 'open' | 'done' | 'dropped'

export interface MeetingActionItemsTable {
  id: Generated<number>
  meeting_id: number
  text: string
  owner_id: number | null
  due_on: ColumnType<string | null, string | null | undefined, string | null>
  status: ColumnType<ActionItemStatus, ActionItemStatus | undefined, ActionItemStatus>
  created_at: CreatedAt
  updated_at: CreatedAt
  /** Raised by every edit of the text; an edit form sends the one it started from (see the edit_versions migration). */
  version: Generated<number>
}

export interface MeetingTopicsTable {
  id: Generated<number>
  community_id: number
  proposer_id: number | null
  title: string
  status: ColumnType<'open' | 'won' | 'closed', 'open' | 'won' | 'closed' | undefined, 'open' | 'won' | 'closed'>
  created_at: CreatedAt
}

export interface MeetingTopicVotesTable {
  topic_id: number
  user_id: number
}

export interface WatchesTable {
  user_id: number
  target_type: WatchTarget
  target_id: number
  level: WatchLevel
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface NotificationsTable {
  id: Generated<string>
  user_id: number
  kind: string
  group_key: string
  url: string
  actor_id: number | null
  data: ColumnType<Record<string, unknown>, string | undefined, string>
  subject_type: string | null
  subject_id: number | null
  count: Generated<number>
  read_at: Timestamp | null
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface ReachEventsTable {
  id: Generated<string>
  kind: string
  payload: ColumnType<Record<string, unknown>, string | undefined, string>
  created_at: CreatedAt
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>
  claimed_until: Timestamp | null
  attempts: Generated<number>
  last_error: string | null
  done_at: Timestamp | null
}

export interface EmailAttachment {
  filename: string
  contentType: string
  /** Text content (an .ics); binary attachments are not sent by Kring. */
  content: string
  /** For text/calendar: REQUEST or CANCEL, also set as the part's method parameter. */
  method?: string
}

export interface EmailOutboxTable {
  id: Generated<string>
  to_address: string
  user_id: number | null
  kind: string
  locale: string
  subject: string
  text_body: string
  html_body: string
  message_id: string
  headers: ColumnType<Record<string, string>, string | undefined, string>
  attachments: ColumnType<EmailAttachment[], string | undefined, string>
  status: ColumnType<
    'pending' | 'sent' | 'failed',
    'pending' | 'sent' | 'failed' | undefined,
    'pending' | 'sent' | 'failed'
  >
  attempts: Generated<number>
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>
  claimed_until: Timestamp | null
  last_error: string | null
  raw: string | null
  /** What the email is about, so that it is withdrawn while pending if that content is hidden or deleted. */
  subject_type: string | null
  subject_id: number | null
  created_at: CreatedAt
  sent_at: Timestamp | null
}

export interface ScheduledRunsTable {
  job: string
  slot: string
  ran_at: CreatedAt
}

/** How far a member has read a thread: replies with a higher id are "new" to them. */
export interface ThreadReadsTable {
  user_id: number
  thread_id: number
  last_read_post_id: ColumnType<number, number | undefined, number>
  read_at: ColumnType<Date, Date | undefined, Date>
}

export type MentionContent = 'thread' | 'post' | 'article' | 'comment'
export interface MentionsTable {
  content_type: MentionContent
  content_id: number
  user_id: number
  author_id: number | null
  notified_at: Date | null
  created_at: ColumnType<Date, Date | undefined, never>
}

/** Up to when a member's daily or weekly digest has reported what is new (src/digests). */
export interface DigestMarksTable {
  user_id: number
  frequency: 'daily' | 'weekly'
  covered_until: ColumnType<Date, Date | string, Date | string>
}

/** An author's edit to a published article, waiting for a reviewer (migration 2026_12_03_1400, task mod). */
export interface ArticlePendingEditsTable {
  article_id: number
  editor_id: number | null
  base_revision: number
  slug: string
  title: string
  summary: string
  kind: ArticleKind
  language: string
  community_id: number | null
  body_md: string
  body_html: string
  body_text: string
  practice: ColumnType<Record<string, string | null>, string, string>
  theme_ids: ColumnType<number[], string, string>
  mentioned: ColumnType<number[], string, string>
  restored_from: number | null
  mark_translation_current: ColumnType<boolean, boolean | undefined, boolean>
  status: ColumnType<'pending' | 'returned', 'pending' | 'returned' | undefined, 'pending' | 'returned'>
  review_comment: string | null
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface Database {
  data_exports: DataExportsTable
  digest_marks: DigestMarksTable
  watches: WatchesTable
  notifications: NotificationsTable
  reach_events: ReachEventsTable
  email_outbox: EmailOutboxTable
  scheduled_runs: ScheduledRunsTable
  flags: FlagsTable
  review_items: ReviewItemsTable
  moderation_log: ModerationLogTable
  watched_words: WatchedWordsTable
  articles: ArticlesTable
  article_revisions: ArticleRevisionsTable
  article_pending_edits: ArticlePendingEditsTable
  article_tags: ArticleTagsTable
  article_sources: ArticleSourcesTable
  comments: CommentsTable
  users: UsersTable
  account_tokens: AccountTokensTable
  sessions: SessionsTable
  login_throttles: LoginThrottlesTable
  communities: CommunitiesTable
  community_members: CommunityMembersTable
  community_invites: CommunityInvitesTable
  tags: TagsTable
  tag_labels: TagLabelsTable
  threads: ThreadsTable
  thread_tags: ThreadTagsTable
  posts: PostsTable
  post_revisions: PostRevisionsTable
  form_submissions: FormSubmissionsTable
  search_outbox: SearchOutboxTable
  thread_page_versions: ThreadPageVersionsTable
  page_versions: PageVersionsTable
  meetings: MeetingsTable
  meeting_themes: MeetingThemesTable
  meeting_attendance: MeetingAttendanceTable
  meeting_questions: MeetingQuestionsTable
  meeting_question_votes: MeetingQuestionVotesTable
  meeting_rooms: MeetingRoomsTable
  meeting_action_items: MeetingActionItemsTable
  meeting_topics: MeetingTopicsTable
  meeting_topic_votes: MeetingTopicVotesTable
  thread_reads: ThreadReadsTable
  mentions: MentionsTable
  community_visits: CommunityVisitsTable
  guest_invitations: GuestInvitationsTable
  redaction_findings: RedactionFindingsTable
  user_expertise: UserExpertiseTable
  expertise_endorsements: ExpertiseEndorsementsTable
  profile_pictures: ProfilePicturesTable
  member_activity: MemberActivityTable
}

/** A member's visit mark per community, for the "new" of its topic list (migrations/2026_12_03_1200_topic_lists.ts). */
export interface CommunityVisitsTable {
  user_id: number
  community_id: number
  seen_at: Date
  last_seen_at: Date
  previous_seen_at: Date | null
}

export type Community = Selectable<CommunitiesTable>
export type Thread = Selectable<ThreadsTable>
export type Post = Selectable<PostsTable>

export type User = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type UserUpdate = Updateable<UsersTable>

/** Single-use account mail tokens (verify, reset, email change), stored as a SHA-256 of the token. */
export interface AccountTokensTable {
  id: Generated<string>
  purpose: 'verify' | 'reset' | 'email_change'
  user_id: number
  token_hash: string
  /** For an email change: the address that becomes the member's once the link is opened. */
  new_email: string | null
  created_at: CreatedAt
  expires_at: ColumnType<Date, Date | string, Date | string>
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

// The wider circle's email subscribers (migrations/2026_12_02_1150_subscriptions.ts): personal data, admins only.
export interface SubscribersTable {
  id: Generated<number>
  email: string
  locale: string
  requests: Generated<number>
  requests_since: CreatedAt
  created_at: CreatedAt
}

export type SubscriptionTarget = 'theme' | 'community' | 'library'

export interface SubscriptionsTable {
  id: Generated<number>
  subscriber_id: number
  target_type: SubscriptionTarget
  target_id: number | null
  status: ColumnType<'pending' | 'confirmed', 'pending' | 'confirmed' | undefined, 'pending' | 'confirmed'>
  created_at: CreatedAt
  confirmed_at: Timestamp | null
  digest_after: ColumnType<Date, Date | string | undefined, Date | string>
  digest_week: string | null
}

export interface SubscriptionTokensTable {
  token_hash: string
  subscriber_id: number
  subscription_id: number | null
  purpose: 'confirm' | 'manage'
  created_at: CreatedAt
  expires_at: ColumnType<Date, Date | string, Date | string>
  used_at: Timestamp | null
}

// Merged into Database (declaration merging), so this domain's tables stay in one block at the end of the file.
export interface Database {
  subscribers: SubscribersTable
  subscriptions: SubscriptionsTable
  subscription_tokens: SubscriptionTokensTable
}

// Private conversations (migrations/2026_12_04_1100_conversations.ts): read by their participants only.
export interface ConversationsTable {
  id: Generated<number>
  subject: string
  created_by: number | null
  created_at: CreatedAt
  last_message_at: CreatedAt
}

export interface ConversationParticipantsTable {
  conversation_id: number
  user_id: number
  joined_at: CreatedAt
  last_read_message_id: number | null
  left_at: Date | null
  /** The conversation's, copied on each message: the inbox reads one index range. */
  last_message_at: CreatedAt
}

export type MessageStatus = 'visible' | 'hidden' | 'deleted'

export interface MessagesTable {
  id: Generated<number>
  conversation_id: number
  author_id: number | null
  body_md: string
  body_html: string
  status: ColumnType<MessageStatus, MessageStatus | undefined, MessageStatus>
  hidden_reason: string | null
  hidden_by: number | null
  created_at: CreatedAt
  edited_at: Date | null
}

export interface MemberBlocksTable {
  blocker_id: number
  blocked_id: number
  created_at: CreatedAt
}

export interface Database {
  conversations: ConversationsTable
  conversation_participants: ConversationParticipantsTable
  messages: MessagesTable
  member_blocks: MemberBlocksTable
}
