// "The database is unavailable" in one place: the errors that say PostgreSQL cannot be reached or is going away
// (restart, failover, terminated backend, connection limits), as opposed to a query that is wrong. Such a request is
// answered with the 503 page and Retry-After, logged as a warning: nothing is broken in Kring, and the pool opens new
// connections by itself once the server answers again.

/** SQLSTATEs of a server that is shutting down, starting up, ended this backend or has no room for a connection. */
const unavailableStates = new Set([
  '57P01', // admin_shutdown: terminated by an administrator (pg_terminate_backend) or a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '57P05', // idle_session_timeout
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
])

/** Socket errors (node:net) of a server that is not there or hung up. */
const unavailableSocketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
])

/** What node-postgres says, without a code, when its connection ends or cannot be had in time. */
const unavailableMessages = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  // A client's own connectionTimeoutMillis.
  /^timeout expired$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
  /the database system is (starting up|shutting down|in recovery mode)/,
]

function holdsUnavailable(error: unknown, depth: number): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false
  const { code, message, cause, errors } = error as {
    code?: unknown
    message?: unknown
    cause?: unknown
    errors?: unknown
  }
  if (typeof code === 'string') {
    // Class 08: connection exceptions (the server refused or lost the connection).
    if (unavailableStates.has(code) || code.startsWith('08') || unavailableSocketCodes.has(code)) return true
  }
  if (typeof message === 'string' && unavailableMessages.some((pattern) => pattern.test(message))) return true
  // Node wraps the errors of each address it tried (happy eyeballs) in an AggregateError; a driver may wrap in `cause`.
  if (Array.isArray(errors) && errors.some((inner) => holdsUnavailable(inner, depth + 1))) return true
  return holdsUnavailable(cause, depth + 1)
}

/** Whether this error means PostgreSQL cannot be reached right now (rather than a bug or a refused query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return holdsUnavailable(error, 0)
}

/** A short, secret-free description for the log line: the code and message only, never a stack or the URL. */
export function describeUnavailable(error: unknown): { code?: string; reason: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return {
    ...(typeof code === 'string' ? { code } : {}),
    reason: typeof message === 'string' && message !== '' ? message : String(error),
  }
}
