// The bundled plugins' specs (name, version, priority, config schema), listed explicitly: the order
// of this list decides nothing (execution order is by priority). Importable by the contract and the
// control plane: it loads schemas only, never handlers (handlers.ts is the data plane's list, and
// a test checks both lists name the same plugins).

import { correlationIdSpec } from './correlation-id/schema.js'
import { requestTerminationSpec } from './request-termination/schema.js'
import { ipRestrictionSpec } from './ip-restriction/schema.js'
import { corsSpec } from './cors/schema.js'
import { responseTransformerSpec } from './response-transformer/schema.js'
import { requestSizeLimitingSpec } from './request-size-limiting/schema.js'
import { rateLimitingSpec } from './rate-limiting/schema.js'
import { keyAuthSpec } from './key-auth/schema.js'
import { basicAuthSpec } from './basic-auth/schema.js'
import { jwtSpec } from './jwt/schema.js'
import { aclSpec } from './acl/schema.js'
import { requestTransformerSpec } from './request-transformer/schema.js'
import { proxyCacheSpec } from './proxy-cache/schema.js'
import { fileLogSpec } from './file-log/schema.js'
import { httpLogSpec } from './http-log/schema.js'
import { prometheusSpec } from './prometheus/schema.js'
import type { PluginSpec } from './spec.js'

export const PLUGIN_SPECS: readonly PluginSpec[] = [
  httpLogSpec,
  fileLogSpec,
  proxyCacheSpec,
  requestTransformerSpec,
  keyAuthSpec,
  basicAuthSpec,
  jwtSpec,
  aclSpec,
  responseTransformerSpec,
  correlationIdSpec,
  requestTerminationSpec,
  ipRestrictionSpec,
  corsSpec,
  requestSizeLimitingSpec,
  rateLimitingSpec,
  prometheusSpec
]

const byName = new Map<string, PluginSpec>()
const priorities = new Map<number, string>()
for (const spec of PLUGIN_SPECS) {
  // Caught by the registry test too; failing at load makes a bad addition impossible to ship.
  if (byName.has(spec.name)) throw new Error(`two bundled plugins are named "${spec.name}"`)
  const other = priorities.get(spec.priority)
  if (other !== undefined) throw new Error(`plugins "${other}" and "${spec.name}" have the same priority ${spec.priority}`)
  byName.set(spec.name, spec)
  priorities.set(spec.priority, spec.name)
}

/** The spec of a bundled plugin, or undefined. */
export function pluginSpec (name: string): PluginSpec | undefined {
  return byName.get(name)
}

/** Names of the bundled plugins, sorted (for messages and listings). */
export const BUNDLED_PLUGIN_NAMES: readonly string[] = [...byName.keys()].sort()
