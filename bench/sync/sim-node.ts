// Lightweight simulated data-plane nodes for the sync bench: real WebSocket connections to the CP's
// /v1/sync speaking the protocol (hello with a distinct node_id → welcome → binary snapshot frames →
// ack {version, hash}), without a proxy. They announce the `delta` feature, as real nodes do.
//
// Validation is shared: every node of a group receives the same bytes, so the first copy of a frame
// goes to a worker thread for gunzip + JSON + contract + hash check (what a node must do before it
// acks), and each other node checks that its copy is byte-identical (Buffer.equals) and acks when
// that validation is done. Validating 97 copies of a 10k-route snapshot in one process would cost
// ~97 × 0.4 s of CPU per change on this 2-core machine and measure the bench, not the CP.

import { randomUUID } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { WebSocket, type RawData } from 'ws'
import { SYNC_MAX_PAYLOAD, SYNC_PATH, SYNC_PROTOCOL_VERSION, type HelloMessage } from '../../src/contract/sync-protocol.js'
import { ATRIUM_VERSION } from '../../src/version.js'
import type { ValidateJob, ValidateResult } from './validate-worker.js'

export interface Validator {
  /** Validates `frame` (once per distinct bytes); rejects when the snapshot is invalid or lacks `expectPath`. */
  check: (frame: Buffer, expectPath: string | null) => Promise<ValidateResult>
  /** Worker time (ms) of each validation run: the per-node cost of decoding and validating one snapshot. */
  readonly timings: number[]
  close: () => Promise<void>
}

export function createValidator (): Validator {
  const worker = new Worker(new URL('./validate-worker.js', import.meta.url))
  const waiting = new Map<number, (r: ValidateResult) => void>()
  let nextId = 0
  const timings: number[] = []
  let last: { frame: Buffer, expectPath: string | null, result: Promise<ValidateResult> } | null = null
  worker.on('message', (r: ValidateResult) => { waiting.get(r.id)?.(r); waiting.delete(r.id) })
  return {
    check (frame, expectPath) {
      if (last !== null && last.expectPath === expectPath && last.frame.equals(frame)) return last.result
      const id = nextId++
      const result = new Promise<ValidateResult>((resolve) => waiting.set(id, resolve)).then((r) => {
        timings.push(r.ms)
        if (!r.ok) throw new Error(`snapshot invalid: ${r.error ?? ''}`)
        if (!r.hasPath) throw new Error(`snapshot v${r.version} lacks the route path ${expectPath ?? ''}`)
        return r
      })
      result.catch(() => {})
      const job: ValidateJob = { id, frame: new Uint8Array(frame), expectPath }
      worker.postMessage(job)
      last = { frame, expectPath, result }
      return result
    },
    timings,
    async close () { await worker.terminate() }
  }
}

export interface FrameReceipt {
  /** performance.now() when the whole frame had arrived. */
  receivedAt: number
  /** performance.now() when validation was done and the ack sent. */
  ackedAt: number
  version: number
}

export interface SimNode {
  readonly nodeId: string
  readonly receipts: FrameReceipt[]
  /** Sets the route path the next frames must contain (null: any valid snapshot). */
  expect: (path: string | null) => void
  /** Resolves with the receipt of the next frame that is valid and contains the expected path. */
  nextAck: () => Promise<FrameReceipt>
  close: () => void
}

export async function connectSimNode (clusterPort: number, token: string, validator: Validator, index: number): Promise<SimNode> {
  const nodeId = randomUUID()
  const ws = new WebSocket(`ws://127.0.0.1:${clusterPort}${SYNC_PATH}`, {
    headers: { authorization: `Bearer ${token}` }, maxPayload: SYNC_MAX_PAYLOAD, perMessageDeflate: false
  })
  const receipts: FrameReceipt[] = []
  let expectPath: string | null = null
  let waiter: { resolve: (r: FrameReceipt) => void, reject: (e: Error) => void } | null = null
  const pendingAcks: FrameReceipt[] = []

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary) return
    const receivedAt = performance.now()
    const frame = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)
    validator.check(frame, expectPath).then((r) => {
      ws.send(JSON.stringify({ type: 'ack', version: r.version, hash: r.hash }))
      const receipt = { receivedAt, ackedAt: performance.now(), version: r.version }
      receipts.push(receipt)
      if (waiter !== null) { waiter.resolve(receipt); waiter = null } else pendingAcks.push(receipt)
    }, (err: Error) => { if (waiter !== null) { waiter.reject(err); waiter = null } })
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      const hello: HelloMessage = {
        type: 'hello', protocol: SYNC_PROTOCOL_VERSION, node_id: nodeId, hostname: `sim-node-${index}`, version: ATRIUM_VERSION, plugins: [], config_hash: null, features: ['delta']
      }
      ws.send(JSON.stringify(hello))
      resolve()
    })
    ws.once('error', reject)
  })
  return {
    nodeId,
    receipts,
    expect (path) { expectPath = path; pendingAcks.length = 0 },
    nextAck () {
      const ready = pendingAcks.shift()
      if (ready !== undefined) return Promise.resolve(ready)
      return new Promise((resolve, reject) => { waiter = { resolve, reject } })
    },
    close () { ws.terminate() }
  }
}
