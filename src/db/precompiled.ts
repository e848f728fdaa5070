// Queries built and compiled once, then run with new values: on the hottest pages, building a Kysely query (walking and
// compiling its operation tree) costs more Node time than PostgreSQL spends running the prepared statement.
import type { Compilable, CompiledQuery } from 'kysely'
import type { Db } from './connect.js'

/** Stands in for a value while the query is built; compiled, it becomes a parameter filled in on every run. */
class Placeholder {
  constructor(readonly name: string) {}
}

/**
 * `build` describes one shape of query: it reads the values it needs from `values` (placeholders at build time) and
 * must not branch on them; a query with several shapes is several precompiled queries.
 */
export function precompiled<Values extends Record<string, unknown>, Row>(
  build: (db: Db, values: Values) => Compilable<Row>,
) {
  let compiled: { query: CompiledQuery<Row>; fill: (string | null)[] } | null = null
  return async (db: Db, values: Values): Promise<Row[]> => {
    if (!compiled) {
      const placeholders = new Proxy({}, { get: (_, name) => new Placeholder(String(name)) }) as Values
      const query = build(db, placeholders).compile()
      compiled = { query, fill: query.parameters.map((value) => (value instanceof Placeholder ? value.name : null)) }
    }
    const { query, fill } = compiled
    const parameters = fill.map((name, i) => (name === null ? query.parameters[i] : values[name]))
    const result = await db.executeQuery<Row>({ ...query, parameters })
    return result.rows
  }
}
