// The process's last resort for an exception nothing caught. Only one kind is survivable and worth surviving: Node
// refusing a response header or a write (an invalid character, headers already sent), raised from a callback after
// the request's own handlers are done. That response is lost, the process and every other request are not.
// Anything else is a bug whose state nobody knows: it is logged and the process exits, as Node itself would.
import type { Logger } from 'pino'

const responseWriteCodes = new Set([
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_HTTP_HEADERS_SENT',
  'ERR_HTTP_INVALID_STATUS_CODE',
  'ERR_STREAM_WRITE_AFTER_END',
])

/** Thrown by node:http while a response was being written: its code says what, its stack says where. */
export function isResponseWriteError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as NodeJS.ErrnoException).code
  return typeof code === 'string' && responseWriteCodes.has(code) && /_http_(outgoing|server)/.test(error.stack ?? '')
}

export function installLastResort(log: Logger) {
  process.on('uncaughtException', (error) => {
    if (isResponseWriteError(error)) {
      log.error({ err: error }, 'a response could not be written and no request handler caught it; Kring keeps serving')
      return
    }
    log.fatal({ err: error }, 'uncaught exception: Kring stops')
    process.exit(1)
  })
}
