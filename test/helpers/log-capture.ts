// Kring's log output as a test sees it: a pino destination that keeps every line.
import { Writable } from 'node:stream'

export function captureLog() {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8')
      callback()
    },
  })
  const lines = () =>
    text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  return { stream, lines, text: () => text }
}
