import type { IncomingMessage } from 'node:http'

export type AdminRole = 'admin' | 'viewer'
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface AdminContext {
  req: IncomingMessage
  method: HttpMethod
  /** Path parameters by name (`/runtime-groups/:rg` → `params.rg`), already URL-decoded. */
  params: Record<string, string>
  query: URLSearchParams
  role: AdminRole
  /** The JSON body (415 unless `application/json`, 413 over the route's limit, 400 when malformed). */
  json: () => Promise<unknown>
  /** The raw body as text with its media type (for endpoints that also take YAML). */
  text: () => Promise<{ text: string, mediaType: string }>
}

export interface AdminResult {
  status: number
  /** Serialised as JSON unless `raw` is given. */
  body?: unknown
  raw?: string
  headers?: Record<string, string>
}

export interface AdminRoute {
  method: HttpMethod
  /** find-my-way syntax: `/service-packages/:id/versions/:vid`. */
  path: string
  summary: string
  /** OpenAPI tag, e.g. "Runtime groups". */
  tag: string
  /** JSON Schemas for the OpenAPI document (optional; a plain object schema otherwise). */
  requestSchema?: Record<string, unknown>
  responseSchema?: Record<string, unknown>
  /** A POST that changes nothing (an explanation, an analysis): viewer tokens may call it. */
  readOnly?: boolean
  /** Largest accepted body in bytes (default 1 MiB). */
  bodyLimit?: number
  handler: (ctx: AdminContext) => Promise<AdminResult>
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024
