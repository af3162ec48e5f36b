import type { NodeMessage } from '../../contract/sync-protocol.js'
import type { FieldError } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { GatewayState } from '../compiled-gateway.js'
import { installGateway } from '../compile-gateway.js'
import { writeCachedSnapshot } from './config-cache.js'
import { checkSnapshot, decodeSnapshotFrame, type ValidSnapshot } from './snapshot.js'

// Applies snapshot frames strictly one at a time, in arrival order. While one is being decoded,
// compiled and cached, at most one more waits: a newer frame replaces the waiting one, since the
// control plane always sends the group's whole latest config and an older one would only be undone.
//
// Per frame: gunzip → JSON → declarative contract + hash check → compile → swap state.current →
// write the cache atomically → ack. Any failure before the swap sends apply_error and leaves the
// previous config serving. A failed cache write after the swap is logged but still acked: the node
// does serve that config, and the next snapshot rewrites the cache.

export interface SnapshotApplierOptions {
  state: GatewayState
  cacheDir: string
  log: Logger
  /** Sends on the current connection if there is one; a lost ack is harmless (hello carries the hash). */
  send: (message: NodeMessage) => void
  onApplied: (snapshot: ValidSnapshot) => void
  onRejected: (message: string) => void
}

export interface SnapshotApplier {
  push: (frame: Buffer) => void
  /** Resolves once every frame pushed so far is applied or rejected. */
  idle: () => Promise<void>
}

export function createSnapshotApplier (options: SnapshotApplierOptions): SnapshotApplier {
  const { state, log } = options
  let waiting: Buffer | null = null
  let running: Promise<void> | null = null

  function reject (version: number, hash: string, message: string, fields: FieldError[]): void {
    log.error({ version, config_hash: hash, error: message, fields: fields.slice(0, 20) }, 'snapshot rejected; the previous config keeps serving')
    options.send({ type: 'apply_error', version, hash, message, fields })
    options.onRejected(message)
  }

  async function apply (frame: Buffer): Promise<void> {
    const started = performance.now()
    let value: unknown
    try {
      value = await decodeSnapshotFrame(frame)
    } catch (err) {
      reject(0, '', (err as Error).message, [])
      return
    }
    const decoded = performance.now()
    const check = checkSnapshot(value)
    const checked = performance.now()
    if (!check.ok) {
      reject(check.version, check.hash, check.message, check.fields)
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
        installGateway(state, snapshot.config, snapshot.hash, snapshot.version, log)
      } catch (err) {
        reject(snapshot.version, snapshot.hash, `snapshot failed to compile: ${(err as Error).message}`, [])
        return
      }
    }
    const swapped = performance.now()
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
      // Where apply time goes: gunzip + JSON, the contract + hash, compile + swap (serving from here on).
      decode_ms: round(decoded - started),
      check_ms: round(checked - decoded),
      compile_ms: round(swapped - checked)
    }, 'snapshot applied')
    options.onApplied(snapshot)
  }

  async function drain (): Promise<void> {
    while (waiting !== null) {
      const frame = waiting
      waiting = null
      try {
        await apply(frame)
      } catch (err) {
        log.error({ err }, 'snapshot apply failed unexpectedly; the previous config keeps serving')
      }
    }
    running = null
  }

  return {
    push (frame) {
      if (waiting !== null) log.debug('a newer snapshot replaced one still waiting to be applied')
      waiting = frame
      running ??= drain()
    },
    async idle () {
      while (running !== null) await running
    }
  }
}

function round (ms: number): number {
  return Math.round(ms * 10) / 10
}
