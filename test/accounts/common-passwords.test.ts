import t from 'tap'
import { isCommonPassword } from '../../src/accounts/validation.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

const common = ['password1234', 'qwertyuiop', 'Qwertyuiop', '1234567890', 'iloveyou123', 'PASSWORD1234']

t.test('the list holds tens of thousands of common passwords, in any letter case', async (t) => {
  for (const password of common) t.ok(isCommonPassword(password), `${password} is common`)
  t.notOk(isCommonPassword('a sentence of my own'), 'a sentence of one’s own is not')
})

t.test('registration refuses a common password with a clear message and keeps the other fields', async (t) => {
  const { app, db } = await buildTestApp(t)
  for (const password of ['password1234', 'Qwertyuiop']) {
    const browser = new Client(app)
    const res = await browser.submit('/register', '/register', {
      email: 'new@example.org',
      display_name: 'New Member',
      password,
    })
    t.equal(res.status, 422, `${password} is refused`)
    t.match(res.body, 'This password is on the list of the most used passwords')
    t.match(res.body, 'value="new@example.org"')
  }
  t.equal((await db.selectFrom('users').select('id').execute()).length, 0)
})

t.test('a password change refuses a common password too', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(db)
  const browser = new Client(app)
  await logIn(browser, user.email, user.password)
  await browser.get('/settings/password')
  const res = await browser.post('/settings/password', {
    current_password: user.password,
    new_password: 'iloveyou123',
    confirm_password: 'iloveyou123',
  })
  t.equal(res.status, 422)
  t.match(res.body, 'This password is on the list of the most used passwords')
  const again = new Client(app)
  t.equal(
    (await again.submit('/login', '/login', { email: user.email, password: user.password })).status,
    303,
    'the old password still works',
  )
})
