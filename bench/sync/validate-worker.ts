// Worker thread of the sync bench: what a node must do before it may ack a snapshot or delta frame —
// gunzip + JSON.parse (decodeSnapshotFrame), a delta rebuilt on its base (config-delta.ts), and the
// declarative contract + hash recomputation (checkSnapshot / checkConfig), the very functions the real sync client runs — plus a check that the change
// under test (a route path) is in the config. Off the bench's main thread, so frame-arrival
// timestamps and the real nodes' serve polls are not held up while it runs.

import { parentPort } from 'node:worker_threads'
import { applyConfigDelta, documentLayout } from '../../src/contract/config-delta.js'
import { checkConfig, checkSnapshot, decodeSnapshotFrame, type SnapshotCheck } from '../../src/data-plane/sync-client/snapshot.js'

// Delta frames are rebuilt on the document of their base hash, as a node does (the last few kept).
const documents = new Map<string, Record<string, unknown>>()

function check (value: any): SnapshotCheck {
  if (value?.type !== 'delta') return checkSnapshot(value)
  const base = documents.get(value.base_hash)
  const layout = base === undefined ? null : documentLayout(base)
  if (layout === null) return { ok: false, version: value.version, hash: value.hash, message: `no base ${String(value.base_hash)} for the delta`, fields: [] }
  return checkConfig(value.version, value.hash, applyConfigDelta(layout, value))
}

export interface ValidateJob { id: number, frame: Uint8Array, expectPath: string | null }
export interface ValidateResult { id: number, ok: boolean, version: number, hash: string, hasPath: boolean, ms: number, error: string | null }

parentPort?.on('message', (job: ValidateJob) => {
  const started = process.hrtime.bigint()
  void (async (): Promise<ValidateResult> => {
    const value = await decodeSnapshotFrame(Buffer.from(job.frame.buffer, job.frame.byteOffset, job.frame.byteLength))
    const result = check(value)
    if (result.ok) {
      documents.set(result.snapshot.hash, result.snapshot.document)
      if (documents.size > 4) documents.delete(documents.keys().next().value as string)
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    if (!result.ok) return { id: job.id, ok: false, version: result.version, hash: result.hash, hasPath: false, ms, error: result.message }
    const { config, version, hash } = result.snapshot
    const hasPath = job.expectPath === null || config.routes.some((r) => r.paths.includes(job.expectPath as string))
    return { id: job.id, ok: true, version, hash, hasPath, ms, error: null }
  })().catch((err: unknown) => ({ id: job.id, ok: false, version: 0, hash: '', hasPath: false, ms: 0, error: (err as Error).message }))
    .then((result) => parentPort?.postMessage(result))
})
