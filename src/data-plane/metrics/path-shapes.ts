import type { PathBucket } from '../../contract/sync-protocol.js'

// What spec drift needs from traffic (docs/sync-protocol.md, "Analytics reports"): per route, the
// paths actually requested with their method and status, bounded. Ids are folded into a shape so
// the count of keys follows the API's endpoints, not its data: a segment that looks like an id
// (digits, a UUID, hex of 8 or more, a long token mixing letters and digits) becomes `{id}`. The
// control plane folds further by the version's spec templates (`/users/alice` is `/users/{name}`).
//
// Per request (only when analytics reports are on): one Map lookup of the normalised path, and one
// of a number key (method × status). A route keeps at most RAW_PATHS distinct paths per window as
// they came; past that a new path is folded at once (a string built, rarely: ids that repeat hit
// the raw table). When the window closes, raw paths are folded, at most SHAPES_PER_ROUTE shapes are
// reported per route (the busiest) and the rest are counted under the shape `*`.

export const RAW_PATHS = 128
export const SHAPES_PER_ROUTE = 64
const OTHER = '*'

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'OTHER'] as const

function methodIndex (method: string): number {
  switch (method) {
    case 'GET': return 0
    case 'POST': return 1
    case 'PUT': return 2
    case 'PATCH': return 3
    case 'DELETE': return 4
    case 'HEAD': return 5
    case 'OPTIONS': return 6
    default: return 7
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DIGITS = /^\d+$/
const HEX = /^[0-9a-f]{8,}$/i
const TOKEN = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-.~%]{16,}$/

/** `/orders/42/items/0a1b2c3d4e` → `/orders/{id}/items/{id}`. */
export function foldPath (path: string): string {
  const segments = path.split('/')
  let changed = false
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i]
    if (s !== '' && (DIGITS.test(s) || UUID.test(s) || HEX.test(s) || TOKEN.test(s))) {
      segments[i] = '{id}'
      changed = true
    }
  }
  return changed ? segments.join('/') : path
}

/**
 * Counts by method × status code of one path (or shape). The example of a key is the path it was
 * first seen with: for a raw path that is the path itself; a shape keeps one per key.
 */
class PathCounts {
  readonly counts = new Map<number, number>()
  #examples: Map<number, string> | null = null
  constructor (readonly path: string) {}

  add (key: number, n: number, example: string): void {
    const seen = this.counts.get(key)
    this.counts.set(key, (seen ?? 0) + n)
    if (seen === undefined && example !== this.path) (this.#examples ??= new Map()).set(key, example)
  }

  exampleOf (key: number): string {
    return this.#examples?.get(key) ?? this.path
  }

  /** Adds `other`'s counts, each key keeping its first example. */
  merge (other: PathCounts): void {
    for (const [k, n] of other.counts) this.add(k, n, other.exampleOf(k))
  }

  get total (): number {
    let t = 0
    for (const n of this.counts.values()) t += n
    return t
  }
}

/** One route's requested paths in one window. */
export class PathTable {
  readonly serviceId: string | null
  readonly routeId: string
  readonly raw = new Map<string, PathCounts>()
  readonly folded = new Map<string, PathCounts>()

  constructor (serviceId: string | null, routeId: string) {
    this.serviceId = serviceId
    this.routeId = routeId
  }

  // hot path (analytics on): no allocation when the path was seen this window.
  add (method: string, path: string, status: number): void {
    const key = methodIndex(method) * 1000 + status
    let counts = this.raw.get(path)
    if (counts === undefined) {
      if (this.raw.size < RAW_PATHS) {
        counts = new PathCounts(path)
        this.raw.set(path, counts)
      } else {
        const shape = foldPath(path)
        counts = this.folded.get(shape)
        if (counts === undefined) {
          counts = new PathCounts(path)
          this.folded.set(shape, counts)
        }
      }
    }
    counts.add(key, 1, path)
  }

  /** The window's buckets, in `minute`: raw paths folded, the busiest SHAPES_PER_ROUTE shapes, the rest as `*`. */
  buckets (minute: number): PathBucket[] {
    const shapes = this.folded
    for (const [path, counts] of this.raw) {
      const shape = foldPath(path)
      const into = shapes.get(shape)
      if (into === undefined) shapes.set(shape, counts)
      else into.merge(counts)
    }
    const ranked = [...shapes].sort((a, b) => b[1].total - a[1].total)
    const kept = ranked.slice(0, SHAPES_PER_ROUTE)
    if (ranked.length > SHAPES_PER_ROUTE) {
      const other = new PathCounts(ranked[SHAPES_PER_ROUTE][1].path)
      for (const [, counts] of ranked.slice(SHAPES_PER_ROUTE)) other.merge(counts)
      kept.push([OTHER, other])
    }
    const out: PathBucket[] = []
    for (const [path, counts] of kept) {
      for (const [key, requests] of counts.counts) {
        out.push({ minute, service_id: this.serviceId, route_id: this.routeId, method: METHODS[Math.floor(key / 1000)], path, status: key % 1000, requests, example: counts.exampleOf(key) })
      }
    }
    return out
  }
}
