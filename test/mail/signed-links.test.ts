// The links in emails that need no row of their own: only the exact token Kring signed opens them.
import t from 'tap'
import { signLink, verifyLink } from '../../src/mail/signed-links.js'

const secret = 'a'.repeat(40)

t.test('a signed link opens for its purpose and subject only, and any change to it is refused', async (t) => {
  const token = signLink(secret, 'unsubscribe', 'user:12:digest')
  t.equal(verifyLink(secret, 'unsubscribe', token), 'user:12:digest')
  t.equal(verifyLink(secret, 'preferences', token), null, 'not for another purpose')
  t.equal(verifyLink('b'.repeat(40), 'unsubscribe', token), null, 'not with another secret')
  t.equal(verifyLink(secret, 'unsubscribe', `${token}A`), null, 'not with a character appended to the signature')
  t.equal(verifyLink(secret, 'unsubscribe', token.slice(0, -1)), null, 'not with one cut off')
  const forged = Buffer.from('user:13:digest').toString('base64url') + token.slice(token.lastIndexOf('.'))
  t.equal(verifyLink(secret, 'unsubscribe', forged), null, 'not for another member with the same signature')
  t.equal(verifyLink(secret, 'unsubscribe', 'no-dot-at-all'), null)
})
