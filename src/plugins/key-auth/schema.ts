import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec } from '../spec.js'
import { HeaderName, Realm } from '../schema-types.js'

// Kong's key-auth (3.x): same fields, defaults and priority.

export const KeyAuthConfigSchema = Type.Object({
  key_names: Type.Array(HeaderName(), {
    minItems: 1,
    maxItems: 64,
    default: ['apikey'],
    description: 'Names to look for the key under, in order: as a header, a query parameter, a body field (as enabled below).'
  }),
  key_in_header: Type.Boolean({ default: true, description: 'Look for the key in request headers.' }),
  key_in_query: Type.Boolean({ default: true, description: 'Look for the key in query parameters.' }),
  key_in_body: Type.Boolean({ default: false, description: 'Look for the key in the request body (application/x-www-form-urlencoded or JSON; the body is then read before the upstream call, up to 8 MiB).' }),
  hide_credentials: Type.Boolean({ default: false, description: 'Remove the key (header, query parameter, body field) from the request sent upstream.' }),
  anonymous: Type.Optional(Type.String({ minLength: 1, description: 'Consumer (id or username) to use when authentication fails, instead of answering 401.' })),
  run_on_preflight: Type.Boolean({ default: true, description: 'Also authenticate OPTIONS requests; false lets CORS preflights through.' }),
  realm: Type.Optional(Realm({ description: 'Realm of the WWW-Authenticate challenge on 401 answers (`Key realm="…"`; just `Key` without it).' }))
}, { additionalProperties: false })

export type KeyAuthConfig = Static<typeof KeyAuthConfigSchema>

export const keyAuthSpec = definePluginSpec({
  name: 'key-auth',
  version: '1.0.0',
  priority: 1250,
  description: 'Authenticates requests by an API key of a consumer, in a header, query parameter or body field.',
  schema: KeyAuthConfigSchema,
  noConsumer: true,
  httpProtocolsOnly: true
})
