import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { loadDeclarativeDocument, type GatewayConfig } from '../../contract/index.js'
import type { FieldError } from '../../errors.js'

// Turns a snapshot (a binary frame from the control plane, or the cache file) into a config the node
// may serve. The snapshot goes through exactly the contract a declarative file goes through, and the
// hash the control plane claims must equal the hash the node computes: a mismatch means the two
// sides normalise differently, and serving it would make the node's reported hash a lie.

const gunzipAsync = promisify(gunzip)

/** Decompressed snapshots larger than this are refused (a gzip bomb would otherwise exhaust memory). */
export const SNAPSHOT_MAX_JSON_BYTES = 512 * 1024 * 1024

export interface ValidSnapshot {
  version: number
  hash: string
  /** The declarative document as received (what the cache stores). */
  document: Record<string, unknown>
  config: GatewayConfig
  warnings: FieldError[]
}

export type SnapshotCheck =
  | { ok: true, snapshot: ValidSnapshot }
  | { ok: false, version: number, hash: string, message: string, fields: FieldError[] }

function isRecord (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** gunzip (off the main thread) and JSON.parse a binary snapshot frame; throws on either failure. */
export async function decodeSnapshotFrame (frame: Buffer): Promise<unknown> {
  let json: Buffer
  try {
    json = await gunzipAsync(frame, { maxOutputLength: SNAPSHOT_MAX_JSON_BYTES })
  } catch (err) {
    throw new Error(`snapshot frame is not valid gzip: ${(err as Error).message}`)
  }
  try {
    return JSON.parse(json.toString('utf8'))
  } catch (err) {
    throw new Error(`snapshot frame is not valid JSON: ${(err as Error).message}`)
  }
}

/** `{version, hash, config}` → validated, normalised config whose recomputed hash matches. */
export function checkSnapshot (value: unknown): SnapshotCheck {
  if (!isRecord(value)) return { ok: false, version: 0, hash: '', message: 'snapshot must be a JSON object', fields: [] }
  const version = typeof value.version === 'number' && Number.isSafeInteger(value.version) ? value.version : 0
  const hash = typeof value.hash === 'string' ? value.hash : ''
  const fields: FieldError[] = []
  if (value.type !== undefined && value.type !== 'snapshot') fields.push({ path: 'type', message: 'must be "snapshot"' })
  if (version !== value.version) fields.push({ path: 'version', message: 'must be an integer' })
  if (hash === '') fields.push({ path: 'hash', message: 'must be a non-empty string' })
  if (!isRecord(value.config)) fields.push({ path: 'config', message: 'must be an object (a Kong declarative document)' })
  if (fields.length > 0) return { ok: false, version, hash, message: 'snapshot is malformed', fields }

  return checkConfig(version, hash, value.config as Record<string, unknown>)
}

/** A config document the node may serve at `version`, whose normalised form must hash to `hash`. */
export function checkConfig (version: number, hash: string, document: Record<string, unknown>): SnapshotCheck {
  const result = loadDeclarativeDocument(document, { acceptExpiredCertificates: true })
  if (!result.ok) {
    const prefixed = result.errors.map((e) => ({ path: e.path === '' ? 'config' : `config.${e.path}`, message: e.message }))
    return { ok: false, version, hash, message: 'snapshot config is invalid', fields: prefixed }
  }
  if (result.hash !== hash) {
    return {
      ok: false,
      version,
      hash,
      message: `snapshot hash mismatch: the node computed ${result.hash}`,
      fields: [{ path: 'hash', message: `does not match the config (computed ${result.hash})` }]
    }
  }
  return { ok: true, snapshot: { version, hash, document, config: result.config, warnings: result.warnings } }
}
