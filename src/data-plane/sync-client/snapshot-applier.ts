import { applyConfigDelta, documentLayout, type DocumentLayout } from '../../contract/config-delta.js'
import type { NodeMessage } from '../../contract/sync-protocol.js'
import type { FieldError } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { GatewayState } from '../compiled-gateway.js'
import { installGateway } from '../compile-gateway.js'
import { writeCachedSnapshot } from './config-cache.js'
import { checkConfig, checkSnapshot, decodeSnapshotFrame, type ValidSnapshot } from './snapshot.js'

// Applies config frames (full snapshots and deltas) strictly in arrival order. Frames that arrive
// while one batch is applied wait; the next batch is folded before anything is validated: a full
// snapshot replaces everything before it, and each delta is applied to the document before it. So
// a burst costs one validation and one compile, for the newest config only.
//
// Per batch: gunzip → JSON → fold → declarative contract + hash check → compile → swap
// state.current → write the cache atomically → ack. A full snapshot that fails sends apply_error
// and leaves the previous config serving. A delta that does not fit (another base, or a rebuilt
// document that fails the contract or the hash) sends `resync`: the control plane answers with the
// full snapshot, which is then checked on its own. A failed cache write after the swap is logged
// but still acked: the node does serve that config, and the next snapshot rewrites the cache.

export interface SnapshotApplierOptions {
  state: GatewayState
  cacheDir: string
  log: Logger
  /** What the node serves from its cache at start: the base for a first delta. */
  cached: ValidSnapshot | null
  /** Sends on the current connection if there is one; a lost ack is harmless (hello carries the hash). */
  send: (message: NodeMessage) => void
  onApplied: (snapshot: ValidSnapshot) => void
  onRejected: (message: string) => void
}

export interface SnapshotApplier {
  push: (frame: Buffer) => void
  /** A new connection: deltas are welcome again (a resync asked on the old one is moot). */
  reconnected: () => void
  /** Resolves once every frame pushed so far is applied or rejected. */
  idle: () => Promise<void>
}

interface Target {
  version: number
  hash: string
  document: Record<string, unknown>
  /** Built from at least one delta (a failure then asks for the full snapshot). */
  viaDelta: boolean
}

const UNREADABLE = Symbol('unreadable frame')

/** Why a delta cannot apply to `from`, or null. */
function deltaProblem (delta: Record<string, unknown>, from: { hash: string } | null): string | null {
  if (typeof delta.version !== 'number' || !Number.isSafeInteger(delta.version) || typeof delta.hash !== 'string' || delta.hash === '') return 'delta has no valid version and hash'
  if (from === null) return 'no config to apply a delta to'
  if (delta.base_hash !== from.hash) return `delta base ${String(delta.base_hash)} is not the config served (${from.hash})`
  return null
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function createSnapshotApplier (options: SnapshotApplierOptions): SnapshotApplier {
  const { state, log } = options
  let base: { version: number, hash: string, document: Record<string, unknown> } | null = options.cached
  let queue: Buffer[] = []
  let running: Promise<void> | null = null
  let awaitingFull = false

  function reject (version: number, hash: string, message: string, fields: FieldError[]): void {
    log.error({ version, config_hash: hash, error: message, fields: fields.slice(0, 20) }, 'snapshot rejected; the previous config keeps serving')
    options.send({ type: 'apply_error', version, hash, message, fields })
    options.onRejected(message)
  }

  function resync (reason: string): void {
    log.warn({ reason }, 'delta does not fit the config this node serves; asking the control plane for the full snapshot')
    if (awaitingFull) return
    awaitingFull = true
    options.send({ type: 'resync', reason })
  }

  /** Folds decoded frames into the config to apply, or null when there is nothing (valid) to apply. */
  function fold (values: unknown[]): Target | null {
    let target: Target | null = null
    for (const value of values) {
      if (value === UNREADABLE) {
        // Deltas after a frame we could not read cannot be trusted; wait for a full snapshot.
        resync('a frame could not be decoded')
        target = null
        continue
      }
      if (isRecord(value) && value.type === 'delta') {
        if (awaitingFull && target === null) continue
        const from: { hash: string, document: Record<string, unknown> } | null = target ?? base
        const problem = deltaProblem(value, from)
        const layout: DocumentLayout | null = problem === null && from !== null ? documentLayout(from.document) : null
        if (problem !== null || layout === null) {
          resync(problem ?? 'the config served is not in the control plane\'s export layout')
          target = null
          continue
        }
        try {
          target = { version: value.version as number, hash: value.hash as string, document: applyConfigDelta(layout, value), viaDelta: true }
        } catch (err) {
          resync(`delta does not apply: ${(err as Error).message}`)
          target = null
        }
        continue
      }
      // A full snapshot (or something malformed, which checkSnapshot reports): it replaces what came before.
      const check = checkShape(value)
      if (!check.ok) {
        reject(check.version, check.hash, check.message, check.fields)
        target = null
        continue
      }
      awaitingFull = false
      target = { version: check.version, hash: check.hash, document: check.document, viaDelta: false }
    }
    return target
  }

  async function applyBatch (frames: Buffer[]): Promise<void> {
    const started = performance.now()
    const values: unknown[] = []
    for (const frame of frames) {
      try {
        values.push(await decodeSnapshotFrame(frame))
      } catch (err) {
        reject(0, '', (err as Error).message, [])
        values.push(UNREADABLE)
      }
    }
    const target = fold(values)
    if (target === null) return
    const decoded = performance.now()
    const check = checkConfig(target.version, target.hash, target.document)
    const checked = performance.now()
    if (!check.ok) {
      if (target.viaDelta) resync(`the config rebuilt from a delta does not pass: ${check.message}`)
      else reject(check.version, check.hash, check.message, check.fields)
      return
    }
    const snapshot = check.snapshot
    for (const w of snapshot.warnings) log.warn({ path: w.path, version: snapshot.version }, `config warning: ${w.message}`)
    const current = state.current
    if (current !== null && current.hash === snapshot.hash) {
      // Same config under a new version number: keep the compiled router and pools, record the version.
      if (current.version !== snapshot.version) state.current = { ...current, version: snapshot.version }
    } else {
      try {
        await installGateway(state, snapshot.config, snapshot.hash, snapshot.version, log)
      } catch (err) {
        reject(snapshot.version, snapshot.hash, `snapshot failed to compile: ${(err as Error).message}`, [])
        return
      }
    }
    const swapped = performance.now()
    base = { version: snapshot.version, hash: snapshot.hash, document: snapshot.document }
    try {
      await writeCachedSnapshot(options.cacheDir, snapshot)
    } catch (err) {
      log.error({ err, cache_dir: options.cacheDir }, 'writing the config cache failed; the applied config serves but a restart cannot use it')
    }
    options.send({ type: 'ack', version: snapshot.version, hash: snapshot.hash })
    log.info({
      version: snapshot.version,
      config_hash: snapshot.hash,
      services: snapshot.config.services.length,
      routes: snapshot.config.routes.length,
      frames: frames.length,
      delta: target.viaDelta,
      // Where apply time goes: gunzip + JSON + fold, the contract + hash, compile + swap (serving from here on).
      decode_ms: round(decoded - started),
      check_ms: round(checked - decoded),
      compile_ms: round(swapped - checked)
    }, 'snapshot applied')
    options.onApplied(snapshot)
  }

  async function drain (): Promise<void> {
    while (queue.length > 0) {
      const frames = queue
      queue = []
      if (frames.length > 1) log.debug({ frames: frames.length }, 'frames folded into one apply')
      try {
        await applyBatch(frames)
      } catch (err) {
        log.error({ err }, 'snapshot apply failed unexpectedly; the previous config keeps serving')
      }
    }
    running = null
  }

  return {
    push (frame) {
      queue.push(frame)
      running ??= drain()
    },
    reconnected () {
      awaitingFull = false
    },
    async idle () {
      while (running !== null) await running
    }
  }
}

type Shape = { ok: true, version: number, hash: string, document: Record<string, unknown> }
  | { ok: false, version: number, hash: string, message: string, fields: FieldError[] }

/** The envelope checks of checkSnapshot, without validating the config yet (that happens once per batch). */
function checkShape (value: unknown): Shape {
  if (isRecord(value) && (value.type === 'snapshot' || value.type === undefined) && typeof value.version === 'number' && Number.isSafeInteger(value.version) &&
    typeof value.hash === 'string' && value.hash !== '' && isRecord(value.config)) {
    return { ok: true, version: value.version, hash: value.hash, document: value.config }
  }
  const check = checkSnapshot(value)
  if (check.ok) return { ok: true, version: check.snapshot.version, hash: check.snapshot.hash, document: check.snapshot.document }
  return { ok: false, version: check.version, hash: check.hash, message: check.message, fields: check.fields }
}

function round (ms: number): number {
  return Math.round(ms * 10) / 10
}
