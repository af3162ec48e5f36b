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
  if (text.includes('\\u0000') && JSON.stringify(value).includes('\\u0000')) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_INVALID', 'request body must not contain NUL characters')
  }
  return value
}
