// Kring's own CSS and JavaScript stay small: every page loads them, on every phone. The issue sets 60 KB together.
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { projectRoot } from '../setup/paths.js'

const budgetBytes = 60 * 1024

function bytesUnder(dir: string): { file: string; bytes: number }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory()
      ? bytesUnder(full)
      : [{ file: path.relative(projectRoot, full), bytes: statSync(full).size }]
  })
}

t.test('static/css and static/js together stay under 60 KB', async (t) => {
  const files = [
    ...bytesUnder(path.join(projectRoot, 'static/css')),
    ...bytesUnder(path.join(projectRoot, 'static/js')),
  ]
  t.ok(files.some((f) => f.file.endsWith('kring.css')) && files.some((f) => f.file.endsWith('kring.js')), 'both found')
  const total = files.reduce((sum, f) => sum + f.bytes, 0)
  t.ok(total < budgetBytes, `${total} bytes in ${files.map((f) => `${f.file} (${f.bytes})`).join(', ')}`)
})
