// HTTP/1.1 over a bare socket: sends exactly the bytes a test writes (no client cleaning up a hostile request
// line or header first) and reads the whole answer, which the server ends because of `Connection: close`.
import { connect } from 'node:net'

export interface RawResponse {
  status: number
  /** Header names in lower case; a header sent several times (set-cookie) keeps every value. */
  headers: Record<string, string[]>
  body: string
  /** Nothing came back: the connection was closed without an answer. */
  empty: boolean
}

export function rawRequest(port: number, bytes: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A server that closes first may reset the rest of what we were still writing: what it answered still counts.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error)
    })
    socket.on('close', () => resolve(parse(Buffer.concat(chunks))))
    // write, not end: a client that half-closes its side may find the server closing before it answered.
    socket.write(bytes)
  })
}

export interface RequestParts {
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string
}

/** A request with Host, Connection: close and (for a body) Content-Length; the path and headers go out as given. */
export function httpRequest(
  port: number,
  { method = 'GET', path, headers = {}, body }: RequestParts,
): Promise<RawResponse> {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close']
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body, 'utf8')
  if (body !== undefined) lines.push(`Content-Length: ${payload.length}`)
  return rawRequest(port, Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]))
}

function parse(data: Buffer): RawResponse {
  const end = data.indexOf('\r\n\r\n')
  if (data.length === 0 || end === -1) return { status: 0, headers: {}, body: '', empty: true }
  const [statusLine, ...headerLines] = data.subarray(0, end).toString('latin1').split('\r\n')
  const headers: Record<string, string[]> = {}
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim().toLowerCase()
    ;(headers[name] ??= []).push(line.slice(colon + 1).trim())
  }
  let body = data.subarray(end + 4)
  if (headers['transfer-encoding']?.[0] === 'chunked') body = unchunk(body)
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8'), empty: false }
}

function unchunk(data: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at)
    if (lineEnd === -1) break
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16)
    if (!size) break
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts)
}
