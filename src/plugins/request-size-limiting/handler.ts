import { definePluginHandler } from '../types.js'
import { requestSizeLimitingSpec, UNIT_BYTES, type RequestSizeLimitingConfig } from './schema.js'

// Kong's request-size-limiting. A Content-Length over the limit is refused in access, before any of
// the body is read: 413 {"message": "Request size limit exceeded"} (417 when the client sent
// Expect: 100-continue, as Kong does), with the connection closed so the rest of the body is never
// read. A body without Content-Length (chunked) is counted by the proxy as it streams to the
// upstream (ctx.limitRequestBody): over the limit the upstream call is aborted and the client gets
// the same 413, or, with require_content_length, it is refused at once with 411.

interface RequestSizeLimitingState {
  limit: number
  requireContentLength: boolean
}

const TOO_LARGE = { message: 'Request size limit exceeded' }
const LENGTH_REQUIRED = { message: 'A valid Content-Length header is required' }
const CLOSE = { connection: 'close' }

export const requestSizeLimitingHandler = definePluginHandler(requestSizeLimitingSpec, {
  configure (config: RequestSizeLimitingConfig): RequestSizeLimitingState {
    return { limit: config.allowed_payload_size * UNIT_BYTES[config.size_unit], requireContentLength: config.require_content_length }
  },
  access (ctx, state) {
    const request = ctx.request
    const headers = request.headers
    const declared = headers['content-length']
    if (declared !== undefined) {
      // Node's parser accepted it: digits only, one value.
      if (Number(declared) > state.limit) {
        const expect = headers.expect
        ctx.exit(expect !== undefined && expect.trim().toLowerCase() === '100-continue' ? 417 : 413, TOO_LARGE, CLOSE)
      }
      return
    }
    if (!request.hasBody) return
    if (request.body !== null) {
      // Another plugin had the runner read the body already.
      if (request.body.length > state.limit) ctx.exit(413, TOO_LARGE)
      return
    }
    if (state.requireContentLength) {
      ctx.exit(411, LENGTH_REQUIRED, CLOSE)
      return
    }
    ctx.limitRequestBody(state.limit)
  }
})
