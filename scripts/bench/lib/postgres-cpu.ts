// CPU time spent by the PostgreSQL backends serving one database, read from /proc (Linux only; null elsewhere).
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

let ticksPerSecond: number | null = null

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

/** Sum of user + system time of every backend whose process title names `database` (PostgreSQL sets
 * "postgres: <cluster>: <user> <database> <client> <state>" while update_process_title is on, the default). */
export function postgresCpuMs(database: string): number | null {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return null
  }
  const title = new RegExp(`^postgres: .* ${database.replace(/[^a-z0-9_]/gi, '')} `)
  let ticks = 0
  let found = false
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
      if (!title.test(cmdline)) continue
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
      found = true
    } catch {
      // The process ended between listing and reading.
    }
  }
  return found ? (ticks * 1000) / clockTicks() : 0
}
