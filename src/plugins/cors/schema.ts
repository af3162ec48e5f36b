import RE2 from 're2'
import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec, type PluginConfigIssue } from '../spec.js'
import { HeaderName, StringEnum } from '../schema-types.js'

// Kong's cors (3.x): same fields, defaults and priority. An `origins` entry with a character other
// than letters, digits and `.:/-` is a regular expression (RE2), matched against the whole origin
// (or, when it has no `:`, against the origin's host).

export const CORS_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const

export const CorsConfigSchema = Type.Object({
  origins: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
    description: 'Allowed origins: exact (https://app.example.com; default ports ignored), regular expressions (entries with characters other than letters, digits and .:/-, matched against the whole origin, or against its host when the entry has no ":"), or "*". Empty or absent: every origin.'
  })),
  methods: Type.Array(StringEnum(CORS_METHODS), { default: [...CORS_METHODS], description: 'Value of Access-Control-Allow-Methods in preflight answers.' }),
  headers: Type.Optional(Type.Array(HeaderName(), { description: 'Value of Access-Control-Allow-Headers in preflight answers; when absent, the request\'s Access-Control-Request-Headers is echoed.' })),
  exposed_headers: Type.Optional(Type.Array(HeaderName(), { description: 'Value of Access-Control-Expose-Headers on responses.' })),
  max_age: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'Access-Control-Max-Age of preflight answers, in seconds.' })),
  credentials: Type.Boolean({ default: false, description: 'Send Access-Control-Allow-Credentials: true (and, with every origin allowed, echo the request\'s origin instead of "*").' }),
  private_network: Type.Boolean({ default: false, description: 'Answer a preflight carrying Access-Control-Request-Private-Network: true with Access-Control-Allow-Private-Network: true.' }),
  preflight_continue: Type.Boolean({ default: false, description: 'Proxy preflight requests to the upstream instead of answering them (no CORS headers are added to the upstream\'s answer).' }),
  allow_origin_absent: Type.Boolean({ default: true, description: 'Add CORS headers to responses of requests without an Origin header too.' })
}, { additionalProperties: false })

export type CorsConfig = Static<typeof CorsConfigSchema>

/** Kong's test for a regex origin: any character other than letters, digits and `.:/-`. */
const NOT_PLAIN = /[^A-Za-z0-9.:/-]/

/** How an `origins` entry matches, or null for "*" (every origin). */
export type OriginRule =
  | { kind: 'exact', origin: string }
  | { kind: 'regex', source: string, byHost: boolean }

/** The rule for one entry; regexes are anchored at both ends (a `^`/`$` the entry has is kept once). */
export function originRule (entry: string): OriginRule | null {
  if (entry === '*') return null
  if (!NOT_PLAIN.test(entry)) return { kind: 'exact', origin: normalizeOrigin(entry) }
  let core = entry
  if (core.startsWith('^')) core = core.slice(1)
  if (core.endsWith('$') && !core.endsWith('\\$')) core = core.slice(0, -1)
  return { kind: 'regex', source: `^(?:${core})$`, byHost: !entry.includes(':') }
}

/** `scheme://host[:port]` without the scheme's default port (80 for http, 443 for https). */
export function normalizeOrigin (origin: string): string {
  if (origin.endsWith(':80') && origin.startsWith('http://')) return origin.slice(0, -3)
  if (origin.endsWith(':443') && origin.startsWith('https://')) return origin.slice(0, -4)
  return origin
}

function checkCors (config: CorsConfig): PluginConfigIssue[] {
  const issues: PluginConfigIssue[] = []
  config.origins?.forEach((entry, i) => {
    const rule = originRule(entry)
    if (rule?.kind !== 'regex') return
    try {
      // The entry as written first, so a message quotes the user's pattern.
      new RE2(entry) // eslint-disable-line no-new
      new RE2(rule.source) // eslint-disable-line no-new
    } catch (err) {
      issues.push({ path: `origins[${i}]`, message: `invalid regex: ${err instanceof Error ? err.message : String(err)}` })
    }
  })
  return issues
}

export const corsSpec = definePluginSpec({
  name: 'cors',
  version: '1.0.0',
  priority: 2000,
  description: 'Cross-origin resource sharing: answers preflight requests and adds Access-Control-* headers to responses for allowed origins.',
  schema: CorsConfigSchema,
  noConsumer: true,
  httpProtocolsOnly: true,
  check: checkCors
})
