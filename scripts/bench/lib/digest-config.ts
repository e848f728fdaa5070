// The few settings the digest job reads (links in the emails), for a benchmark that runs it outside an app.
import { randomBytes } from 'node:crypto'
import type { Config } from '../../../src/config.js'

export function testConfigForBench(): Config {
  return {
    publicUrl: 'http://localhost:3000',
    sessionSecret: randomBytes(32).toString('hex'),
  } as Config
}
