import { TARGET_DEFAULTS, canonicalJsonOf, parseTarget } from '../../contract/index.js'
import { isUuid, newId } from '../shared/ids.js'
import { isRecord } from './credential-kinds.js'
import { nestedList, withNestedList } from './nested-lists.js'

// An upstream's targets as the control plane keeps them: inside the upstream's stored body, under
// `targets` (the declarative nesting), each with its `id`, `target` in Kong's normal form
// (`host:port`, port 8000 when absent), `weight` and `created_at` / `updated_at`. Like credentials
// in a consumer, keeping them in the upstream row means a target write renews that row's revision,
// so the sync's incremental read and delta carry the upstream with its targets.

export type StoredTarget = Record<string, unknown> & { id: string, target: string, weight: number, created_at: number, updated_at: number }

export function targetsOf (body: Record<string, unknown>): StoredTarget[] {
  return nestedList<StoredTarget>(body, 'targets')
}

export function withTargets (body: Record<string, unknown>, list: StoredTarget[]): Record<string, unknown> {
  return withNestedList(body, 'targets', list)
}

/** An upstream as its own endpoints show it: targets have theirs. */
export function withoutTargets (body: Record<string, unknown>): Record<string, unknown> {
  const { targets: _targets, ...rest } = body
  void _targets
  return rest
}

/** `host:port` as Kong stores it; the input unchanged when it does not parse (the contract reports it). */
export function normalTarget (value: unknown): unknown {
  if (typeof value !== 'string') return value
  return parseTarget(value)?.text ?? value
}

/** By id, else by target address (`host` alone means port 8000, as Kong). */
export function findTarget (list: StoredTarget[], ref: string): StoredTarget | null {
  if (isUuid(ref)) {
    const byId = list.find((t) => t.id === ref.toLowerCase())
    if (byId !== undefined) return byId
  }
  const text = normalTarget(ref)
  return list.find((t) => t.target === text) ?? null
}

/** Kong's target response: `upstream: { id }`, timestamps last. */
export function targetResponse (t: StoredTarget, upstreamId: string): Record<string, unknown> {
  const { id, created_at: createdAt, updated_at: updatedAt, ...fields } = t
  return { id, ...fields, upstream: { id: upstreamId }, created_at: createdAt, updated_at: updatedAt }
}

function cleaned (t: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(t)) if (v !== null && v !== undefined && k !== 'created_at' && k !== 'updated_at' && k !== 'upstream') out[k] = v
  return out
}

/**
 * An upstream's stored targets from its declarative form (validated; top-level targets already
 * nested): target in normal form, weight defaulted, id and timestamps kept from `old` where a target
 * matches by id, else by address.
 */
export function planTargets (list: unknown, old: Record<string, unknown> | undefined, now: number): StoredTarget[] {
  const given = Array.isArray(list) ? list.filter(isRecord) : []
  const before = old === undefined ? [] : targetsOf(old)
  const explicit = new Set(given.map((t) => typeof t.id === 'string' ? t.id.toLowerCase() : null))
  const claimed = new Set<string>()
  return given.map((raw) => {
    const t = cleaned(raw)
    t.target = normalTarget(t.target)
    t.weight ??= TARGET_DEFAULTS.weight
    const id = typeof t.id === 'string' ? t.id.toLowerCase() : undefined
    const match = before.find((b) => !claimed.has(b.id) && (id !== undefined ? b.id === id : !explicit.has(b.id) && b.target === t.target))
    if (match !== undefined) claimed.add(match.id)
    delete t.id
    const same = match !== undefined && canonicalJsonOf(cleaned({ ...match, id: undefined })) === canonicalJsonOf(t)
    return { id: id ?? match?.id ?? newId(), ...t, created_at: match?.created_at ?? now, updated_at: same ? match.updated_at : now } as StoredTarget
  })
}
