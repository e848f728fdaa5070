// The moderation log names every act in the reader's language, never by its internal key: each action the code writes
// (found in src/ beside writeLog, plus the ones it composes) has a label in en, nl, fr and de and one in the filter.
import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { supportedLocales } from '../../src/web/i18n.js'
import { buildTestApp } from '../helpers/app.js'
import { createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

/** Literal actions in the source next to a writeLog call (`action: 'lock'`). */
function writtenActions(): Set<string> {
  const found = new Set<string>()
  const srcDir = path.resolve('src')
  for (const entry of readdirSync(srcDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
    const text = readFileSync(path.join(entry.parentPath, entry.name), 'utf8')
    for (const call of text.split('writeLog(').slice(1)) {
      // The entry's object literal: up to the first `})` that closes it.
      const entry = call.slice(0, call.indexOf('})') + 1)
      for (const match of entry.matchAll(/action: (?:[^'\n]*\? )?'([a-z_.]+)'(?: : '([a-z_.]+)')?/g)) {
        found.add(match[1])
        if (match[2]) found.add(match[2])
      }
    }
  }
  return found
}

// Actions the code composes from a value: lock/unlock/pin/unpin and hide/restore go through variables.
const composed = [
  'lock',
  'unlock',
  'pin',
  'unpin',
  'hide',
  'restore',
  'delete',
  'keep',
  'approve',
  'reject',
  'redaction.redact',
  'redaction.keep',
  'redaction.publish_refused',
  'redaction.accept_refused',
  'account.deleted_remove',
  'account.deleted_keep',
  'account.anonymised',
]

t.test('every logged action reads as words in every language', async (t) => {
  const actions = [...new Set([...writtenActions(), ...composed])].sort()
  t.ok(writtenActions().has('anonymous_label') && writtenActions().has('guest_invite'), 'the scan finds actions')
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
  await db
    .insertInto('moderation_log')
    .values(actions.map((action) => ({ actor_id: admin.id, action })))
    .execute()
  const client = await loggedIn(app, admin)
  for (const locale of supportedLocales) {
    await db.updateTable('users').set({ locale }).where('id', '=', admin.id).execute()
    const page = await client.get('/mod/log')
    t.match(page.body, `<html lang="${locale}">`)
    const cells = [...page.body.matchAll(/<td>([^<]*?)(?: <span class="badge">[^<]*<\/span>)?<\/td>/g)].map((m) => m[1])
    const raw = actions.filter((action) => cells.includes(action))
    t.same(raw, [], `${locale}: no action is shown by its key`)
    const options = [...page.body.matchAll(/<option value="([a-z_.]+)"/g)].map((m) => m[1])
    const unfiltered = actions.filter((action) => !options.includes(action))
    t.same(unfiltered, [], `${locale}: the filter offers every action`)
  }
})
