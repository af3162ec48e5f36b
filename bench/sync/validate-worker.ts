// Worker thread of the sync bench: what a node must do before it may ack a snapshot frame —
// gunzip + JSON.parse (decodeSnapshotFrame) and the declarative contract + hash recomputation
// (checkSnapshot), the very functions the real sync client runs — plus a check that the change
// under test (a route path) is in the config. Off the bench's main thread, so frame-arrival
// timestamps and the real nodes' serve polls are not held up while it runs.

import { parentPort } from 'node:worker_threads'
import { checkSnapshot, decodeSnapshotFrame } from '../../src/data-plane/sync-client/snapshot.js'

export interface ValidateJob { id: number, frame: Uint8Array, expectPath: string | null }
export interface ValidateResult { id: number, ok: boolean, version: number, hash: string, hasPath: boolean, ms: number, error: string | null }

parentPort?.on('message', (job: ValidateJob) => {
  const started = process.hrtime.bigint()
  void (async (): Promise<ValidateResult> => {
    const value = await decodeSnapshotFrame(Buffer.from(job.frame.buffer, job.frame.byteOffset, job.frame.byteLength))
    const check = checkSnapshot(value)
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    if (!check.ok) return { id: job.id, ok: false, version: check.version, hash: check.hash, hasPath: false, ms, error: check.message }
    const { config, version, hash } = check.snapshot
    const hasPath = job.expectPath === null || config.routes.some((r) => r.paths.includes(job.expectPath as string))
    return { id: job.id, ok: true, version, hash, hasPath, ms, error: null }
  })().catch((err: unknown) => ({ id: job.id, ok: false, version: 0, hash: '', hasPath: false, ms: 0, error: (err as Error).message }))
    .then((result) => parentPort?.postMessage(result))
})
