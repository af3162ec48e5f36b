import type { Logger } from '../../log.js'
import type { Db } from '../store/db.js'
import { createGroupReader } from './group-reader.js'
import { buildSnapshot, type Snapshot } from './snapshot-build.js'

// The snapshots of one runtime group, newest only.
//
// Concurrency: `want(v)` says "version v exists"; at most one build runs per group, and when it
// finishes it builds again only if a newer version was announced meanwhile, reading the group's
// *latest* state. So a burst of N commits costs one or two builds, a version is never built twice,
// and snapshots are published in increasing version order. A version whose stored config cannot be
// normalised (should not happen: every write was validated) is logged and skipped; nodes keep the
// previous snapshot.

export interface SnapshotFeed {
  /** The newest built snapshot (null before the first build, or when the group is gone). */
  readonly latest: Snapshot | null
  /** Announces that `version` was committed; resolves when a snapshot at least that new exists (or could not be built). */
  want: (version: number) => Promise<void>
  /** Number of snapshots built (tests, metrics). */
  readonly builds: number
}

export interface SnapshotFeedOptions {
  db: Db
  runtimeGroupId: string
  log: Logger
  /** Called once per built snapshot, in version order. */
  onSnapshot: (snapshot: Snapshot) => void
  /** Called with the build time (the `ms` of the `snapshot built` log line) of each built snapshot, for metrics. */
  onBuilt?: (ms: number) => void
}

export function createSnapshotFeed (options: SnapshotFeedOptions): SnapshotFeed {
  const { db, runtimeGroupId, log } = options
  let latest: Snapshot | null = null
  let wanted = 0
  let failed = -1
  let builds = 0
  let running: Promise<void> | null = null
  const reader = createGroupReader(db, runtimeGroupId)

  const done = (): number => Math.max(latest?.version ?? -1, failed)
  const needsBuild = (): boolean => latest === null ? failed < wanted : wanted > done()

  async function buildLatest (): Promise<boolean> {
    const started = process.hrtime.bigint()
    const group = await reader.read()
    const read = process.hrtime.bigint()
    if (group === null) return false
    if (group.version <= done()) {
      // Nothing newer than what we have: the announced version is not visible here (yet).
      return false
    }
    wanted = Math.max(wanted, group.version)
    const result = await buildSnapshot(group, latest)
    if (!result.ok) {
      failed = group.version
      log.error({ runtime_group_id: runtimeGroupId, version: group.version, reason: result.message }, 'snapshot build failed: the stored config cannot be normalised')
      return true
    }
    latest = result.snapshot
    builds++
    const published = msSince(started)
    options.onSnapshot(latest)
    const bytes = await latest.bytes
    log.info({
      runtime_group_id: runtimeGroupId,
      version: latest.version,
      hash: latest.hash,
      bytes: bytes.length,
      delta_bytes: latest.delta?.bytes.length ?? null,
      // read: the store read and export; ms: until the snapshot (and its delta) were handed to the sessions; full_ms: until the full frame was ready too.
      read_ms: Number(read - started) / 1e6,
      ms: published,
      full_ms: msSince(started)
    }, 'snapshot built')
    options.onBuilt?.(published)
    return true
  }

  async function run (): Promise<void> {
    try {
      while (needsBuild()) {
        if (!await buildLatest()) break
      }
    } catch (err) {
      log.error({ err, runtime_group_id: runtimeGroupId }, 'snapshot build failed')
    }
  }

  function want (version: number): Promise<void> {
    if (version > wanted) wanted = version
    if (running === null) {
      if (!needsBuild()) return Promise.resolve()
      running = run().finally(() => { running = null })
      return running
    }
    // A build is running; chain a check after it (it may already have read the newer version).
    return running.then(() => want(version))
  }

  return {
    get latest () { return latest },
    get builds () { return builds },
    want
  }
}

function msSince (start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6
}
