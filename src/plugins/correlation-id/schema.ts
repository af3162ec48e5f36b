import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec } from '../spec.js'
import { HeaderName, StringEnum } from '../schema-types.js'

// Kong's correlation-id (3.x): same fields, defaults and priority.

export const CORRELATION_ID_GENERATORS = ['uuid', 'uuid#counter', 'tracker'] as const

export const CorrelationIdConfigSchema = Type.Object({
  header_name: HeaderName({
    default: 'Kong-Request-ID',
    description: 'Request header carrying the id. A request that already has it keeps its value; otherwise a new id is set on the upstream request.'
  }),
  generator: StringEnum(CORRELATION_ID_GENERATORS, {
    default: 'uuid#counter',
    description: 'uuid: a random UUID per request; uuid#counter: a UUID per process then "#" and a counter; tracker: server address, port, process id, connection and request numbers, time.'
  }),
  echo_downstream: Type.Boolean({ default: false, description: 'Also send the id back to the client in the same header.' })
}, { additionalProperties: false })

export type CorrelationIdConfig = Static<typeof CorrelationIdConfigSchema>

export const correlationIdSpec = definePluginSpec({
  name: 'correlation-id',
  version: '1.0.0',
  priority: 100001,
  description: 'Adds a unique id to every request (and optionally its response) in a header, for tracing a request across services.',
  schema: CorrelationIdConfigSchema,
  httpProtocolsOnly: true
})
