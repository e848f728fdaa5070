// /settings/profile: what a profile shows and to whom, the expertise declared, and the picture (multipart upload).
import fastifyMultipart from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { countryOptions } from '../accounts/countries.js'
import type { Db } from '../db/connect.js'
import type { ProfileVisibility } from '../db/database.js'
import { listThemes } from '../themes/queries.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { fieldMessages, type FieldMessages } from '../web/limits.js'
import { formSchema } from '../web/params.js'
import { removePicture, savePicture, saveProfile } from './commands.js'
import {
  checkProfileForm,
  profileLanguages,
  profileVisibilities,
  readProfileForm,
  type ProfileInput,
} from './fields.js'
import { maxPictureBytes, processPicture } from './picture.js'
import { languageNames, pictureUrl } from './present.js'
import { profileForEditing } from './queries.js'
import { avatarFor } from '../web/avatar.js'

/** The uploaded file of a request, kept off the body so that no hook walks its bytes. */
const uploads = new WeakMap<FastifyRequest, { bytes: Buffer; truncated: boolean }>()

export async function profileSettingsRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values?: ProfileInput,
    errors: FieldMessages = {},
    pictureError?: string,
  ) => {
    const viewer = viewerOf(request)
    const profile = await profileForEditing(db, viewer.id)
    if (!profile) throw notFound()
    const current: ProfileInput = values ?? {
      organisation: profile.organisation ?? '',
      country: profile.country ?? '',
      languages: profile.languages,
      bio: profile.bio ?? '',
      visibility: profile.profile_visibility,
      show_organisation: profile.show_organisation,
      show_country: profile.show_country,
      themes: profile.themes,
    }
    const themes = await listThemes(db, request.locale)
    const names = languageNames(profileLanguages, request.locale)
    return reply.render('people/settings', {
      title: request.t('people.settings.title'),
      breadcrumbs: [
        { label: request.t('accounts.settings.title'), href: '/settings' },
        { label: request.t('people.settings.title') },
      ],
      values: current,
      errors: fieldMessages(request, errors),
      pictureError: pictureError ? request.t(pictureError, { mb: maxPictureBytes / 1024 / 1024 }) : null,
      person: {
        avatar: avatarFor(profile.display_name, profile.id),
        pictureUrl: profile.picture_etag ? pictureUrl(profile.id, profile.picture_etag) : null,
      },
      hasPicture: profile.picture_etag !== null,
      countries: countryOptions(request.locale).map((c) => ({ ...c, selected: c.code === current.country })),
      languages: profileLanguages
        .map((code, i) => ({ code, name: names[i], checked: current.languages.includes(code) }))
        .sort((a, b) => a.name.localeCompare(b.name, request.locale)),
      visibilities: profileVisibilities.map((value) => ({
        value,
        label: request.t(`people.visibility.${value}`),
        checked: current.visibility === value,
      })),
      themes: themes.map((t) => ({ ...t, checked: current.themes.includes(t.slug) })),
      profileUrl: `/u/${viewer.id}`,
    })
  }

  app.get('/settings/profile', { preHandler: requireUser }, async (request, reply) => page(request, reply))

  app.post(
    '/settings/profile',
    {
      preHandler: requireUser,
      schema: formSchema(
        ['organisation', 'country', 'bio', 'visibility', 'show_organisation', 'show_country', '_csrf'],
        ['languages', 'themes'],
      ),
    },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const input = readProfileForm(request.body)
      const themes = await db
        .selectFrom('tags')
        .select(['id', 'slug'])
        .where('kind', '=', 'theme')
        .where('merged_into_id', 'is', null)
        .execute()
      const errors = checkProfileForm(input, new Set(themes.map((t) => t.slug)))
      if (Object.keys(errors).length > 0) return page(request, reply.code(422), input, errors)
      await saveProfile(db, viewer.id, {
        organisation: input.organisation,
        country: input.country,
        languages: input.languages,
        bio: input.bio,
        visibility: input.visibility as ProfileVisibility,
        showOrganisation: input.show_organisation,
        showCountry: input.show_country,
        themeIds: themes.filter((t) => input.themes.includes(t.slug)).map((t) => t.id),
      })
      request.log.info({ userId: viewer.id }, 'profile saved')
      setFlash(reply, 'people.flash.saved')
      return reply.redirect('/settings/profile', 303)
    },
  )

  app.post(
    '/settings/profile/picture/remove',
    { preHandler: requireUser, schema: formSchema(['_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      await removePicture(db, viewer.id)
      setFlash(reply, 'people.flash.picture_removed')
      return reply.redirect('/settings/profile', 303)
    },
  )

  // Multipart only here: the upload's own scope, with limits that bound what one request may hold in memory.
  await app.register(async (scope) => {
    // The one-click unsubscribe parser (src/web/one-click-body.ts) reads multipart elsewhere; here the real one does.
    scope.removeContentTypeParser('multipart/form-data')
    await scope.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      throwFileSizeLimit: false,
      limits: { fileSize: maxPictureBytes, files: 1, fields: 4, fieldSize: 1000, parts: 6 },
      async onFile(this: FastifyRequest, part) {
        const bytes = await part.toBuffer()
        uploads.set(this, { bytes, truncated: part.file.truncated })
        part.value = ''
      },
    })
    scope.post('/settings/profile/picture', { preHandler: requireUser }, async (request, reply) => {
      const viewer = viewerOf(request)
      const upload = uploads.get(request)
      if (!upload || upload.bytes.length === 0)
        return page(request, reply.code(422), undefined, {}, 'people.picture.error.missing')
      const result = upload.truncated
        ? ({ ok: false, reason: 'too_large' } as const)
        : await processPicture(upload.bytes)
      if (!result.ok) {
        request.log.info({ userId: viewer.id, reason: result.reason }, 'profile picture refused')
        return page(request, reply.code(422), undefined, {}, `people.picture.error.${result.reason}`)
      }
      await savePicture(db, viewer.id, { bytes: result.bytes, contentType: result.contentType })
      setFlash(reply, 'people.flash.picture_saved')
      return reply.redirect('/settings/profile', 303)
    })
  })
}
