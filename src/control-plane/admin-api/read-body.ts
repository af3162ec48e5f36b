import type { IncomingMessage } from 'node:http'
import { GatewayError } from '../../errors.js'

/** Reads the whole body up to `limit` bytes; 413 as soon as it is exceeded (the rest is not buffered). */
export async function readBody (req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (declared > limit) throw new GatewayError('ATRIUM_ERR_ADMIN_BODY_TOO_LARGE', `request body is larger than ${limit} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new GatewayError('ATRIUM_ERR_ADMIN_BODY_TOO_LARGE', `request body is larger than ${limit} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

export function mediaTypeOf (req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase()
}

export async function readJsonBody (req: IncomingMessage, limit: number): Promise<unknown> {
  const type = mediaTypeOf(req)
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_UNSUPPORTED_MEDIA_TYPE', `expected Content-Type: application/json, got "${type || '(none)'}"`)
  }
  const text = (await readBody(req, limit)).toString('utf8')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_BAD_JSON', `request body is not valid JSON: ${(err as Error).message}`)
  }
  // PostgreSQL TEXT cannot hold NUL; refusing it here keeps both stores answering alike (400, not 500).
  if (text.includes('\\u0000')) {
    const paths = nulPaths(value)
    if (paths.length > 0) {
      throw new GatewayError('ATRIUM_ERR_ADMIN_INVALID', 'request body must not contain NUL characters', {
        fields: paths.map((path) => ({ path, message: 'must not contain NUL characters' }))
      })
    }
  }
  return value
}

/**
 * Paths (`a.b[0]`, '' for the body itself) of the strings and keys holding NUL in a parsed JSON
 * value, at most `limit`. Iterative with parent links: a body nested 100k levels deep neither
 * overflows the stack nor builds a path per level.
 */
export function nulPaths (value: unknown, limit = 10): string[] {
  const nodes: Array<{ parent: number, step: string }> = [{ parent: -1, step: '' }]
  const stack: Array<[unknown, number]> = [[value, 0]]
  const found: number[] = []
  const child = (parent: number, step: string): number => nodes.push({ parent, step }) - 1
  while (stack.length > 0 && found.length < limit) {
    const [v, at] = stack.pop() as [unknown, number]
    if (typeof v === 'string') {
      if (v.includes('\0')) found.push(at)
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], child(at, `[${i}]`)])
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v).reverse()) {
        const node = child(at, k.replaceAll('\0', '\\u0000'))
        if (k.includes('\0')) found.push(node)
        else stack.push([x, node])
      }
    }
  }
  return found.map((at) => {
    const steps: string[] = []
    for (let n = at; n > 0; n = nodes[n].parent) steps.push(nodes[n].step)
    return steps.reverse().reduce((path, step) => step.startsWith('[') || path === '' ? path + step : `${path}.${step}`, '')
  })
}
