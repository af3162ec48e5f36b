import type { IncomingMessage, ServerResponse } from 'node:http'
import { GatewayError, errorBody } from '../errors.js'
import { explainMatch } from '../router/explain-match.js'
import { parseExplainRequest } from '../router/explain-request.js'
import type { CompiledGateway } from './compiled-gateway.js'
import { sendJson } from './send-json.js'

// POST /routes/explain on the status listener: the Admin API's explanation (src/router/explain-match.ts),
// answered from the config this node applied and the router it compiled for it, so it says what this
// node does even while it is out of step with the control plane. The status listener binds loopback
// by default; whoever can reach it can read the node's config (GET /status) anyway.

const BODY_LIMIT = 64 * 1024

export function explainRoutes (current: CompiledGateway | null, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST')
    sendJson(res, 405, errorBody(new GatewayError('ATRIUM_ERR_ADMIN_METHOD_NOT_ALLOWED', 'POST a request description')))
    req.resume()
    return
  }
  const chunks: Buffer[] = []
  let size = 0
  req.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size <= BODY_LIMIT) chunks.push(chunk)
  })
  req.on('end', () => {
    try {
      if (size > BODY_LIMIT) throw new GatewayError('ATRIUM_ERR_ADMIN_BODY_TOO_LARGE', `the request description is over ${BODY_LIMIT} bytes`)
      if (current === null) {
        sendJson(res, 503, errorBody(new GatewayError('ATRIUM_ERR_PROXY_NO_CONFIG')))
        return
      }
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch (err) {
        throw new GatewayError('ATRIUM_ERR_ADMIN_BAD_JSON', `request body is not valid JSON: ${(err as Error).message}`)
      }
      const explained = explainMatch(current.router, current.config, parseExplainRequest(body))
      sendJson(res, 200, { config_hash: current.hash, config_version: current.version ?? null, ...explained })
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err
      sendJson(res, err.statusCode, errorBody(err))
    }
  })
}
