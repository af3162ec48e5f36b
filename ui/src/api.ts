// The Admin API, called with the token the user entered (kept in sessionStorage for this tab).
// Errors keep the API's {code, message, fields} so the page can show each field's reason.

const TOKEN_KEY = 'atrium.adminToken'

export class ApiError extends Error {
  constructor (readonly status: number, readonly code: string, message: string, readonly fields: Record<string, string>) {
    super(message)
  }
}

export function getToken (): string | null {
  return sessionStorage.getItem(TOKEN_KEY)
}

export function setToken (token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY)
  else sessionStorage.setItem(TOKEN_KEY, token)
}

export interface CallOptions {
  body?: unknown
  /** A raw body (specs: YAML or JSON as uploaded) with its media type. */
  raw?: { text: string, type: string }
}

export async function api<T = any> (method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  const token = getToken()
  if (token !== null && token !== '') headers.authorization = `Bearer ${token}`
  let body: string | undefined
  if (options.raw !== undefined) {
    headers['content-type'] = options.raw.type
    body = options.raw.text
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  const res = await fetch(path, { method, headers, body })
  const text = await res.text()
  let parsed: any
  try { parsed = text === '' ? undefined : JSON.parse(text) } catch { parsed = undefined }
  if (!res.ok) {
    const e = parsed ?? {}
    throw new ApiError(res.status, String(e.code ?? `HTTP_${res.status}`), String(e.message ?? (text || res.statusText)), e.fields ?? {})
  }
  return parsed as T
}

export const enc = encodeURIComponent
