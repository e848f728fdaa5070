// One Kring process per ./data: PGlite and the bundled Meilisearch would corrupt files shared by two writers.
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError'
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const lockFile = path.join(dataDir, 'kring.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // Written aside, then linked into place: the lock appears atomically, never empty.
      const pending = `${lockFile}.${process.pid}`
      writeFileSync(pending, String(process.pid))
      try {
        linkSync(pending, lockFile)
      } finally {
        rmSync(pending, { force: true })
      }
      const release = () => rmSync(lockFile, { force: true })
      process.once('exit', release)
      return () => {
        process.removeListener('exit', release)
        release()
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number(readFileSync(lockFile, 'utf8').trim())
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new DataDirInUseError(
          `Another Kring process (pid ${owner}) is using ${dataDir}. Stop it first, or give this one its own folder with KRING_DATA_DIR, or point both at one PostgreSQL server with DATABASE_URL.`,
        )
      }
      // The owner is gone (killed or crashed): the lock is stale.
      rmSync(lockFile, { force: true })
    }
  }
  throw new DataDirInUseError(`Could not lock ${dataDir}`)
}
