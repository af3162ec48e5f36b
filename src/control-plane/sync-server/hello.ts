import { SYNC_PROTOCOL_VERSION, type HelloMessage, type NodeMessage, type PluginInfo } from '../../contract/sync-protocol.js'

// Reading what a node sends: the hello (strictly: it decides the node's row), then ack and
// apply_error (loosely: anything else is ignored with a warning).

const MAX_ID = 200
const MAX_TEXT = 255
const MAX_PLUGINS = 1000
const MAX_ERROR = 4000

function isText (v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max && !v.includes('\0')
}

/** The hello, or why it is not one. */
export function parseHello (value: unknown): { ok: true, hello: HelloMessage } | { ok: false, message: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'hello must be a JSON object' }
  const v = value as Record<string, unknown>
  if (v.type !== 'hello') return { ok: false, message: `the first message must be hello, got ${JSON.stringify(v.type ?? null)}` }
  if (typeof v.protocol !== 'number' || !Number.isInteger(v.protocol)) return { ok: false, message: 'hello.protocol must be an integer' }
  if (!isText(v.node_id, MAX_ID)) return { ok: false, message: `hello.node_id must be a string of 1 to ${MAX_ID} characters` }
  if (!isText(v.hostname, MAX_TEXT)) return { ok: false, message: `hello.hostname must be a string of 1 to ${MAX_TEXT} characters` }
  if (!isText(v.version, MAX_TEXT)) return { ok: false, message: 'hello.version must be a version string' }
  if (!Array.isArray(v.plugins) || v.plugins.length > MAX_PLUGINS) return { ok: false, message: `hello.plugins must be an array of at most ${MAX_PLUGINS} {name, version}` }
  const plugins: PluginInfo[] = []
  for (const p of v.plugins as unknown[]) {
    const q = p as Record<string, unknown> | null
    if (typeof q !== 'object' || q === null || !isText(q.name, MAX_TEXT) || !isText(q.version, MAX_TEXT)) {
      return { ok: false, message: 'hello.plugins must be an array of {name, version} strings' }
    }
    plugins.push({ name: q.name, version: q.version })
  }
  if (v.config_hash !== null && !isText(v.config_hash, MAX_TEXT)) return { ok: false, message: 'hello.config_hash must be a string or null' }
  return {
    ok: true,
    hello: {
      type: 'hello',
      protocol: v.protocol,
      node_id: v.node_id,
      hostname: v.hostname,
      version: v.version,
      plugins,
      config_hash: v.config_hash as string | null,
      // Unknown features are ignored (a newer node talking to an older CP); a malformed list means none.
      features: Array.isArray(v.features) ? (v.features as unknown[]).filter((f): f is string => typeof f === 'string' && f.length <= 64).slice(0, 32) : []
    }
  }
}

function major (version: string): string | null {
  const m = /^v?(\d+)\./.exec(version)
  return m === null ? null : m[1]
}

/** Null when the node speaks this protocol and runs the same Atrium major, else why not. */
export function versionProblem (hello: HelloMessage, cpVersion: string): string | null {
  if (hello.protocol !== SYNC_PROTOCOL_VERSION) return `the node speaks sync protocol ${hello.protocol}; this control plane speaks ${SYNC_PROTOCOL_VERSION}`
  const node = major(hello.version)
  if (node === null || node !== major(cpVersion)) return `the node runs Atrium ${hello.version}; this control plane runs ${cpVersion} (the major versions must be equal)`
  return null
}

/** The plugins the config uses that the node lacks (sorted). */
export function missingPlugins (used: readonly string[], node: readonly PluginInfo[]): string[] {
  const have = new Set(node.map((p) => p.name))
  return used.filter((name) => !have.has(name))
}

export function pluginProblem (missing: string[]): string {
  return `the node lacks plugin${missing.length === 1 ? '' : 's'} the runtime group uses: ${missing.join(', ')}`
}

/** ack or apply_error after the hello; null for anything else. */
export function parseNodeMessage (value: unknown): Exclude<NodeMessage, HelloMessage> | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  if (v.type === 'resync') return { type: 'resync', reason: typeof v.reason === 'string' ? v.reason.slice(0, MAX_ERROR) : '' }
  if (typeof v.version !== 'number' || !Number.isInteger(v.version) || typeof v.hash !== 'string' || v.hash.length > MAX_TEXT) return null
  if (v.type === 'ack') return { type: 'ack', version: v.version, hash: v.hash }
  if (v.type === 'apply_error') {
    const fields = Array.isArray(v.fields)
      ? (v.fields as unknown[]).filter((f): f is { path: string, message: string } =>
          typeof f === 'object' && f !== null && typeof (f as { path?: unknown }).path === 'string' && typeof (f as { message?: unknown }).message === 'string')
      : []
    return { type: 'apply_error', version: v.version, hash: v.hash, message: typeof v.message === 'string' ? v.message : 'the node rejected the snapshot', fields }
  }
  return null
}

/** What GET /data-planes shows as last_error for an apply_error (bounded). */
export function describeApplyError (m: { message: string, fields: Array<{ path: string, message: string }> }): string {
  const parts = m.fields.slice(0, 10).map((f) => `${f.path || '(document)'}: ${f.message}`)
  const text = parts.length === 0 ? m.message : `${m.message} (${parts.join('; ')})`
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text.replaceAll('\0', '')
}
