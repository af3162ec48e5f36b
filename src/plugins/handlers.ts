// The bundled plugins' handlers, for the data plane only (the contract and the control plane use
// schemas.ts). Listed explicitly; execution order is by priority, never by this list. A test checks
// that this list and schemas.ts name the same plugins.

import { correlationIdHandler } from './correlation-id/handler.js'
import { requestTerminationHandler } from './request-termination/handler.js'
import { ipRestrictionHandler } from './ip-restriction/handler.js'
import { corsHandler } from './cors/handler.js'
import { responseTransformerHandler } from './response-transformer/handler.js'
import { requestSizeLimitingHandler } from './request-size-limiting/handler.js'
import { rateLimitingHandler } from './rate-limiting/handler.js'
import { keyAuthHandler } from './key-auth/handler.js'
import { basicAuthHandler } from './basic-auth/handler.js'
import { jwtHandler } from './jwt/handler.js'
import { aclHandler } from './acl/handler.js'
import { requestTransformerHandler } from './request-transformer/handler.js'
import { proxyCacheHandler } from './proxy-cache/handler.js'
import { fileLogHandler } from './file-log/handler.js'
import { httpLogHandler } from './http-log/handler.js'
import { prometheusHandler } from './prometheus/handler.js'
import type { AnyPluginHandler } from './types.js'

export type PluginHandlerSet = ReadonlyMap<string, AnyPluginHandler>

export const BUNDLED_PLUGIN_HANDLERS: PluginHandlerSet = new Map<string, AnyPluginHandler>([
  httpLogHandler,
  fileLogHandler,
  proxyCacheHandler,
  requestTransformerHandler,
  keyAuthHandler,
  basicAuthHandler,
  jwtHandler,
  aclHandler,
  responseTransformerHandler,
  correlationIdHandler,
  requestTerminationHandler,
  ipRestrictionHandler,
  corsHandler,
  requestSizeLimitingHandler,
  rateLimitingHandler,
  prometheusHandler
].map((h) => [h.name, h]))
