import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec, type PluginConfigIssue } from '../spec.js'
import { HeaderName, Realm, StringEnum } from '../schema-types.js'

// Kong's jwt (3.x): same fields, defaults, rule and priority, plus `leeway` (Atrium's: clock skew
// allowed on exp and nbf; Kong has none, so its default 0 behaves as Kong).

export const JwtConfigSchema = Type.Object({
  uri_param_names: Type.Array(Type.String({ minLength: 1 }), { maxItems: 64, uniqueItems: true, default: ['jwt'], description: 'Query parameters to read the token from (checked first).' }),
  cookie_names: Type.Array(Type.String({ minLength: 1 }), { maxItems: 64, uniqueItems: true, default: [], description: 'Cookies to read the token from (checked after the query parameters).' }),
  header_names: Type.Array(HeaderName(), { maxItems: 64, uniqueItems: true, default: ['authorization'], description: 'Headers to read a `Bearer <token>` from (checked last).' }),
  key_claim_name: Type.String({ minLength: 1, default: 'iss', description: 'Claim (in the payload, else the header) naming the consumer\'s JWT secret by its key.' }),
  secret_is_base64: Type.Boolean({ default: false, description: 'HMAC secrets are stored base64-encoded (tokens are signed with the decoded bytes).' }),
  claims_to_verify: Type.Optional(Type.Array(StringEnum(['exp', 'nbf'] as const), { uniqueItems: true, description: 'Registered claims to check: exp (expired?) and nbf (valid yet?); a listed claim must be present and numeric.' })),
  maximum_expiration: Type.Integer({ minimum: 0, maximum: 31_536_000, default: 0, description: 'Seconds: refuse tokens whose exp is further than this in the future (0: no limit). When claims_to_verify is set, it must contain exp.' }),
  leeway: Type.Integer({ minimum: 0, maximum: 3600, default: 0, description: 'Seconds of clock skew tolerated when checking exp and nbf (Atrium\'s addition; Kong checks exactly).' }),
  anonymous: Type.Optional(Type.String({ minLength: 1, description: 'Consumer (id or username) to use when authentication fails, instead of answering 401.' })),
  run_on_preflight: Type.Boolean({ default: true, description: 'Also authenticate OPTIONS requests; false lets CORS preflights through.' }),
  realm: Type.Optional(Realm({ description: 'Realm of the `WWW-Authenticate: Bearer realm="…"` challenge on 401 answers (just `Bearer` without it).' }))
}, { additionalProperties: false })

export type JwtConfig = Static<typeof JwtConfigSchema>

function checkJwt (config: JwtConfig): PluginConfigIssue[] {
  // Kong's conditional rule passes when claims_to_verify is unset (null or absent: then_value null,
  // not `required`); the handler checks maximum_expiration whatever claims_to_verify lists.
  if (config.maximum_expiration > 0 && config.claims_to_verify !== undefined && !config.claims_to_verify.includes('exp')) {
    return [{ path: 'claims_to_verify', message: 'must contain exp when maximum_expiration is set' }]
  }
  return []
}

export const jwtSpec = definePluginSpec({
  name: 'jwt',
  version: '1.0.0',
  priority: 1450,
  description: 'Authenticates requests by a JSON Web Token signed with a consumer\'s secret (HS256/384/512) or key (RS256/384/512, ES256/384).',
  schema: JwtConfigSchema,
  noConsumer: true,
  httpProtocolsOnly: true,
  check: checkJwt
})
