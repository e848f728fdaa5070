// Shared steps for library tests: write an article through the real form.
import type { Client, Response } from '../helpers/client.js'

export const practiceFields = {
  title: 'Intake interviews with two coordinators',
  slug: '',
  summary: 'Why we now do every homeshare intake in pairs.',
  kind: 'practice',
  language: 'en',
  body: 'We started doing intakes **in pairs** in 2024.\n\n- one asks\n- one writes',
  community: '',
  practice_context: 'Homeshare programme in a mid-sized city',
  practice_target_group: 'Older hosts and student homesharers',
  practice_country: 'PT',
  practice_what_worked: 'Fewer broken matches in the first month',
  practice_what_did_not: 'Scheduling two coordinators is hard',
  practice_contact: 'intake@example.org',
}

export async function writeArticle(
  client: Client,
  fields: Partial<typeof practiceFields> & { themes?: string | string[] } = {},
): Promise<Response> {
  await client.get('/library/new')
  return client.post('/library/new', { ...practiceFields, ...fields } as Record<string, string | string[]>)
}
