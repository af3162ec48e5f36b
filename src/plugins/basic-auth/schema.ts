import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec } from '../spec.js'
import { Realm } from '../schema-types.js'

// Kong's basic-auth (3.x): same fields, defaults and priority.

export const BasicAuthConfigSchema = Type.Object({
  hide_credentials: Type.Boolean({ default: false, description: 'Remove the Authorization (and Proxy-Authorization) header from the request sent upstream.' }),
  anonymous: Type.Optional(Type.String({ minLength: 1, description: 'Consumer (id or username) to use when authentication fails, instead of answering 401.' })),
  realm: Realm({ default: 'service', description: 'Realm of the `WWW-Authenticate: Basic realm="…"` challenge on 401 answers.' })
}, { additionalProperties: false })

export type BasicAuthConfig = Static<typeof BasicAuthConfigSchema>

export const basicAuthSpec = definePluginSpec({
  name: 'basic-auth',
  version: '1.0.0',
  priority: 1100,
  description: 'Authenticates requests by a consumer\'s username and password (HTTP Basic authentication).',
  schema: BasicAuthConfigSchema,
  noConsumer: true,
  httpProtocolsOnly: true
})
