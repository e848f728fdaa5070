// npm run user:create -- --email a@b.c --name "Name" [--admin]: the password is read from a hidden prompt or from stdin, never printed.
import { parseArgs } from 'node:util'
import { createInterface } from 'node:readline'
import { registerUser } from '../src/accounts/commands.js'
import {
  checkDisplayName,
  checkEmail,
  checkNewPassword,
  normaliseEmail,
  type FieldErrors,
} from '../src/accounts/validation.js'
import { messageIn } from '../src/web/limits.js'
import { fail, openMigratedDatabase } from './open-database.js'

const usage =
  'Usage: npm run user:create -- --email a@b.c --name "Display Name" [--admin]   (password from the prompt, or piped on stdin)'

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? ''
  }
  // A hidden prompt: echo nothing of what is typed.
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
  const output = rl as unknown as { _writeToOutput: (s: string) => void }
  process.stdout.write('Password (at least 10 characters): ')
  output._writeToOutput = () => {}
  const password = await new Promise<string>((resolve) => rl.question('', resolve))
  rl.close()
  process.stdout.write('\n')
  return password
}

let values: { email?: string; name?: string; admin?: boolean; help?: boolean }
try {
  values = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  }).values
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`)
}
if (values.help) {
  process.stdout.write(`${usage}\n`)
  process.exit(0)
}

const email = normaliseEmail(values.email)
const displayName = (values.name ?? '').trim()
const errors: FieldErrors = {}
checkEmail(email, errors)
checkDisplayName(displayName, errors)
if (Object.keys(errors).length)
  fail(
    `${Object.values(errors)
      .map((message) => messageIn('en', message))
      .join('\n')}\n${usage}`,
  )

const password = await readPassword()
checkNewPassword(password, errors)
if (errors.password) fail(messageIn('en', errors.password))

try {
  const { db, close } = await openMigratedDatabase()
  try {
    const result = await registerUser(db, { email, displayName, password, siteRole: values.admin ? 'admin' : 'member' })
    if (!result.ok) fail(`An account with ${email} already exists.`)
    process.stdout.write(
      `Created ${values.admin ? 'admin' : 'member'} ${displayName} <${email}> (id ${result.userId}).\n`,
    )
  } finally {
    await close()
  }
} catch (error) {
  fail(`Could not create the user: ${(error as Error).message}`)
}
