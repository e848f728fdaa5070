// /members: the member directory (members only), filtered by GET parameters so a filtered list can be shared.
import type { FastifyInstance } from 'fastify'
import { countryOptions, isCountryCode } from '../accounts/countries.js'
import type { Db } from '../db/connect.js'
import { listThemes } from '../themes/queries.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { badRequest } from '../web/errors.js'
import { cleanLine, hasForbiddenCharacters } from '../web/text-rules.js'
import {
  decodeCursor,
  expertiseOfMembers,
  knownCommunities,
  listDirectory,
  type DirectoryFilters,
} from './directory-queries.js'
import { profileLanguages } from './fields.js'
import { languageNames, personCard } from './present.js'
import { seesAllProfiles } from './queries.js'

const text = (value: unknown) => (typeof value === 'string' ? value : '')

export async function directoryRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/members', { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    const query = request.query as Record<string, unknown>
    const [themes, communities, seesAll] = await Promise.all([
      listThemes(db, request.locale),
      knownCommunities(db, viewer),
      seesAllProfiles(db, viewer),
    ])
    const country = text(query.country)
    const language = text(query.language)
    const organisation = cleanLine(text(query.organisation)).trim()
    const theme = themes.find((t) => t.slug === text(query.theme)) ?? null
    const community = communities.find((c) => c.slug === text(query.community)) ?? null
    const sort = text(query.sort) === 'activity' ? 'activity' : 'name'
    // A filter that names nothing Kring knows (or the viewer may know) is a clear 400, not an empty list that lies.
    if (
      (country && !isCountryCode(country)) ||
      (language && !profileLanguages.includes(language)) ||
      (text(query.theme) && !theme) ||
      (text(query.community) && !community) ||
      organisation.length > 120 ||
      hasForbiddenCharacters(organisation)
    )
      throw badRequest('people.directory.bad_filter')
    const filters: DirectoryFilters = {
      country: country || null,
      organisation: organisation || null,
      language: language || null,
      themeId: theme?.id ?? null,
      communityId: community?.id ?? null,
      sort,
    }
    const rawCursor = text(query.after)
    const cursor = rawCursor ? decodeCursor(rawCursor, sort) : null
    if (rawCursor && !cursor) throw badRequest('error.cursor.message')
    const { rows, next } = await listDirectory(db, viewer, seesAll, filters, cursor)
    const expertise = await expertiseOfMembers(
      db,
      rows.map((r) => r.id),
      request.locale,
    )
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries({
      country,
      organisation,
      language,
      theme: theme?.slug ?? '',
      community: community?.slug ?? '',
      sort: sort === 'name' ? '' : sort,
    }))
      if (value) params.set(key, value)
    const names = languageNames(profileLanguages, request.locale)
    const filtered = params.toString() !== '' && params.toString() !== `sort=${sort}`
    if (next) params.set('after', next)
    return reply.render('people/directory', {
      title: request.t('people.directory.title'),
      breadcrumbs: [{ label: request.t('people.directory.title') }],
      members: rows.map((row) => ({
        ...personCard(row, request.locale, row.id === viewer.id),
        expertise: expertise.get(row.id) ?? [],
      })),
      nextUrl: next ? `/members?${params.toString()}` : null,
      firstUrl: cursor
        ? '/members?' + new URLSearchParams([...params].filter(([k]) => k !== 'after')).toString()
        : null,
      filtered,
      values: { organisation },
      countries: countryOptions(request.locale).map((c) => ({ ...c, selected: c.code === country })),
      languages: profileLanguages
        .map((code, i) => ({ code, name: names[i], selected: code === language }))
        .sort((a, b) => a.name.localeCompare(b.name, request.locale)),
      themes: themes.map((t) => ({ ...t, selected: t.id === theme?.id })),
      communities: communities.map((c) => ({ ...c, selected: c.id === community?.id })),
      sortByActivity: sort === 'activity',
    })
  })
}
