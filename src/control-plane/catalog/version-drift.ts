import type { RequestedPath } from '../analytics/index.js'
import { specBasePath } from './spec-gateway-routes.js'

// Spec drift: a version's API spec against the requests its implementation served. Each observed
// (method, path shape, status) is given to the most concrete documented operation whose template
// (under the spec's base path) matches it — its example path or its shape, so a path the node did
// not fold (`/users/alice`) is still `/users/{name}` — and whose method is the request's (HEAD also
// counts for a GET). Then: operations no request reached, requests no operation documents, and
// statuses an operation answered that its `responses` do not declare (an exact code, its class
// `4XX`, or `default`).

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

interface Op {
  method: string
  path: string
  operation_id: string | null
  regex: RegExp
  literal: number
  declared: Set<string>
  anyStatus: boolean
  requests: number
  statuses: Map<number, number>
}

export interface Drift {
  requests: number
  documented_requests: number
  operations: number
  unused_operations: Array<{ method: string, path: string, operation_id: string | null }>
  undocumented: Array<{ method: string, path: string, requests: number, statuses: number[], examples: string[] }>
  undeclared_statuses: Array<{ method: string, path: string, operation_id: string | null, status: number, requests: number }>
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function templateRegex (template: string): RegExp {
  const source = template.split(/(\{[^}]*\})/).map((part) => part.startsWith('{') && part.endsWith('}') ? '[^/]+' : part.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')).join('')
  return new RegExp(`^${source}$`)
}

function operationsOf (doc: Record<string, unknown>): Op[] {
  const base = specBasePath(doc)
  const ops: Op[] = []
  const paths = isObject(doc.paths) ? doc.paths : {}
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue
    for (const m of METHODS) {
      const op = item[m]
      if (!isObject(op)) continue
      const responses = isObject(op.responses) ? Object.keys(op.responses).map((k) => k.toUpperCase()) : []
      ops.push({
        method: m.toUpperCase(),
        path,
        operation_id: typeof op.operationId === 'string' ? op.operationId : null,
        regex: templateRegex(`${base}${path}`),
        literal: path.split('/').filter((s) => s !== '' && !s.includes('{')).length,
        declared: new Set(responses),
        anyStatus: responses.includes('DEFAULT'),
        requests: 0,
        statuses: new Map()
      })
    }
  }
  // The most concrete template first: /users/me before /users/{id}.
  return ops.sort((a, b) => b.literal - a.literal)
}

function declares (op: Op, status: number): boolean {
  return op.anyStatus || op.declared.has(String(status)) || op.declared.has(`${Math.floor(status / 100)}XX`)
}

export function specDrift (doc: Record<string, unknown>, observed: RequestedPath[]): Drift {
  const ops = operationsOf(doc)
  const undocumented = new Map<string, Drift['undocumented'][number]>()
  let requests = 0
  let documented = 0
  for (const o of observed) {
    requests += o.requests
    const op = ops.find((x) => (x.method === o.method || (o.method === 'HEAD' && x.method === 'GET')) && (x.regex.test(o.example) || x.regex.test(o.path)))
    if (op !== undefined) {
      documented += o.requests
      op.requests += o.requests
      op.statuses.set(o.status, (op.statuses.get(o.status) ?? 0) + o.requests)
      continue
    }
    const key = `${o.method} ${o.path}`
    const seen = undocumented.get(key) ?? { method: o.method, path: o.path, requests: 0, statuses: [], examples: [] }
    seen.requests += o.requests
    if (!seen.statuses.includes(o.status)) seen.statuses.push(o.status)
    if (seen.examples.length < 3 && !seen.examples.includes(o.example)) seen.examples.push(o.example)
    undocumented.set(key, seen)
  }
  const inSpecOrder = [...ops].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
  return {
    requests,
    documented_requests: documented,
    operations: ops.length,
    unused_operations: inSpecOrder.filter((op) => op.requests === 0).map((op) => ({ method: op.method, path: op.path, operation_id: op.operation_id })),
    undocumented: [...undocumented.values()].map((u) => ({ ...u, statuses: u.statuses.sort((a, b) => a - b) })).sort((a, b) => b.requests - a.requests || a.path.localeCompare(b.path)),
    undeclared_statuses: inSpecOrder.flatMap((op) => [...op.statuses].filter(([status]) => !declares(op, status)).sort((a, b) => a[0] - b[0])
      .map(([status, n]) => ({ method: op.method, path: op.path, operation_id: op.operation_id, status, requests: n })))
  }
}
