// The demo members' profiles (issue 14): languages they speak, the themes they declare, and who endorses whom, so that
// the directory, the expert marks and "Experts on this theme" have something to show.
import type { Db } from '../db/connect.js'

const profiles: Record<string, { languages: string[]; themes: string[] }> = {
  anouk: { languages: ['nl', 'en', 'fr'], themes: ['participation', 'evaluation-impact'] },
  marieke: { languages: ['nl', 'en'], themes: ['hard-to-reach-families', 'partner-communication'] },
  sofia: { languages: ['pt', 'en', 'es'], themes: ['matching', 'safeguarding'] },
  thomas: { languages: ['de', 'en'], themes: ['matching', 'volunteer-onboarding'] },
  youssef: { languages: ['nl', 'fr', 'ar'], themes: ['school-absence'] },
  claire: { languages: ['fr', 'en'], themes: ['matching', 'citizen-communication'] },
  aoife: { languages: ['en', 'ga'], themes: ['matching', 'safeguarding'] },
  lotte: { languages: ['nl', 'en', 'de'], themes: ['hard-to-reach-families'] },
  pieter: { languages: ['nl', 'fr'], themes: ['stakeholder-management'] },
  hannah: { languages: ['nl', 'en'], themes: ['school-absence'] },
}

/** Three endorsements make Aoife an expert on matching; others have one or two. */
const endorsements: [string, string, string][] = [
  ['aoife', 'matching', 'sofia'],
  ['aoife', 'matching', 'thomas'],
  ['aoife', 'matching', 'claire'],
  ['sofia', 'safeguarding', 'aoife'],
  ['youssef', 'school-absence', 'hannah'],
  ['marieke', 'hard-to-reach-families', 'lotte'],
]

/** Most keep the default (members); two are public, and a parent keeps hers to her communities. */
const visibilityOf = (key: string) =>
  key === 'hannah' ? 'communities' : key === 'sofia' || key === 'aoife' ? 'public' : 'members'

export async function seedProfiles(db: Db, userIds: Map<string, number>, themeIds: Map<string, number>) {
  for (const [key, profile] of Object.entries(profiles)) {
    const userId = userIds.get(key)
    if (userId === undefined) continue
    await db
      .updateTable('users')
      .set({ languages: profile.languages, profile_visibility: visibilityOf(key) })
      .where('id', '=', userId)
      .execute()
    const tags = profile.themes.map((slug) => themeIds.get(slug)).filter((id): id is number => id !== undefined)
    if (tags.length > 0)
      await db
        .insertInto('user_expertise')
        .values(tags.map((tagId) => ({ user_id: userId, tag_id: tagId })))
        .onConflict((oc) => oc.doNothing())
        .execute()
  }
  for (const [key, slug, endorserKey] of endorsements) {
    const userId = userIds.get(key)
    const tagId = themeIds.get(slug)
    const endorserId = userIds.get(endorserKey)
    if (userId === undefined || tagId === undefined || endorserId === undefined) continue
    await db
      .insertInto('expertise_endorsements')
      .values({ user_id: userId, tag_id: tagId, endorser_id: endorserId })
      .onConflict((oc) => oc.doNothing())
      .execute()
  }
}
