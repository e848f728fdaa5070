// The profile picture: a real JPEG with EXIF GPS is re-encoded without it; what is not an image, or too big, is refused
// (422); the picture follows the profile's visibility, carries an ETag and nosniff, and can be removed.
import sharp from 'sharp'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, type Response } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

function multipart(fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }) {
  const boundary = '----kring-test-boundary'
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="picture"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    )
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

async function upload(client: Client, file?: { name: string; type: string; bytes: Buffer }): Promise<Response> {
  await client.get('/settings/profile')
  const { payload, contentType } = multipart({ _csrf: client.lastCsrf ?? '' }, file)
  const headers: Record<string, string> = { 'content-type': contentType }
  headers.cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const res = await client.app.inject({ method: 'POST', url: '/settings/profile/picture', payload, headers })
  return { status: res.statusCode, headers: res.headers, body: res.body, location: res.headers.location as string }
}

async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg()
    .withExif({ IFD0: { Artist: 'Secret Person' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 13/1 0/1' } })
    .toBuffer()
}

t.test('a JPEG with GPS is stored as a 256×256 WebP without metadata and served with its headers', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const client = await loggedIn(app, member)
  const original = await jpegWithGps()
  const meta = await sharp(original).metadata()
  t.ok(meta.exif, 'the test picture carries EXIF')
  t.ok(original.includes(Buffer.from('Secret Person')))

  const res = await upload(client, { name: 'me.jpg', type: 'image/jpeg', bytes: original })
  t.equal(res.status, 303)
  t.equal(res.location, '/settings/profile')
  const profile = await client.get(`/u/${member.id}`)
  const src = /<img class="avatar avatar-picture" src="([^"]+)"/.exec(profile.body)?.[1]
  t.ok(src, 'the profile shows the picture')
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const picture = await app.inject({ url: src!.replace(/&amp;/g, '&'), headers: { cookie } })
  t.equal(picture.statusCode, 200)
  t.equal(picture.headers['content-type'], 'image/webp')
  t.equal(picture.headers['x-content-type-options'], 'nosniff')
  t.match(picture.headers['cache-control'], 'private')
  const etag = picture.headers.etag as string
  t.ok(etag)
  const served = picture.rawPayload
  const servedMeta = await sharp(served).metadata()
  t.equal(servedMeta.width, 256)
  t.equal(servedMeta.height, 256)
  t.notOk(servedMeta.exif, 'no EXIF in the served bytes')
  t.notOk(served.includes(Buffer.from('Secret Person')), 'not a trace of the metadata')

  const cached = await app.inject({ url: `/u/${member.id}/picture`, headers: { cookie, 'if-none-match': etag } })
  t.equal(cached.statusCode, 304)

  const visitor = await app.inject({ url: `/u/${member.id}/picture` })
  t.equal(visitor.statusCode, 404, 'a members-only profile’s picture is not shown to visitors')
  const visitorPage = await new Client(app).get(`/u/${member.id}`)
  t.notMatch(visitorPage.body, 'avatar-picture')

  await client.get('/settings/profile')
  const removed = await client.post('/settings/profile/picture/remove', {})
  t.equal(removed.status, 303)
  const after = await client.get(`/u/${member.id}`)
  t.notMatch(after.body, 'avatar-picture', 'the generated avatar is back')
  t.equal((await app.inject({ url: `/u/${member.id}/picture`, headers: { cookie } })).statusCode, 404)
})

t.test('what is not an image, too large, or missing is refused with a clear 422', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const client = await loggedIn(app, member)
  const text = await upload(client, { name: 'photo.jpg', type: 'image/jpeg', bytes: Buffer.from('just some text\n') })
  t.equal(text.status, 422)
  t.match(text.body, 'This file is not a picture Kring can read.')
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(1)</script></svg>',
  )
  t.equal((await upload(client, { name: 'a.svg', type: 'image/svg+xml', bytes: svg })).status, 422, 'SVG is refused')
  const big = Buffer.alloc(2 * 1024 * 1024 + 10, 1)
  const tooBig = await upload(client, { name: 'big.jpg', type: 'image/jpeg', bytes: big })
  t.equal(tooBig.status, 422)
  t.match(tooBig.body, 'larger than 2 MB')
  const tiny = await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } })
    .png()
    .toBuffer()
  const small = await upload(client, { name: 'tiny.png', type: 'image/png', bytes: tiny })
  t.equal(small.status, 422)
  t.match(small.body, 'between 16 and 8000 pixels')
  const missing = await upload(client)
  t.equal(missing.status, 422)
  t.match(missing.body, 'Choose a picture to upload.')
  const rows = await db.selectFrom('profile_pictures').selectAll().execute()
  t.equal(rows.length, 0)
  const { payload, contentType } = multipart({}, { name: 'x.jpg', type: 'image/jpeg', bytes: await jpegWithGps() })
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const noToken = await app.inject({
    method: 'POST',
    url: '/settings/profile/picture',
    payload,
    headers: { 'content-type': contentType, cookie },
  })
  t.equal(noToken.statusCode, 403, 'no CSRF token, no upload')
})
