import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec } from '../spec.js'
import { StringEnum } from '../schema-types.js'

// Kong's request-size-limiting (3.x): same fields, defaults and priority; Kong's units (a kilobyte
// is 1024 bytes, a megabyte 1024 kilobytes).

export const SIZE_UNITS = ['megabytes', 'kilobytes', 'bytes'] as const

export const UNIT_BYTES: Record<typeof SIZE_UNITS[number], number> = { bytes: 1, kilobytes: 1024, megabytes: 1024 * 1024 }

export const RequestSizeLimitingConfigSchema = Type.Object({
  allowed_payload_size: Type.Integer({ minimum: 0, maximum: 8589934592, default: 128, description: 'Largest request body allowed, in size_unit.' }),
  size_unit: StringEnum(SIZE_UNITS, { default: 'megabytes', description: 'Unit of allowed_payload_size (kilobytes = 1024 bytes, megabytes = 1024 kilobytes).' }),
  require_content_length: Type.Boolean({ default: false, description: 'Refuse a request body without a Content-Length (chunked) with 411 instead of counting it as it streams.' })
}, { additionalProperties: false })

export type RequestSizeLimitingConfig = Static<typeof RequestSizeLimitingConfigSchema>

export const requestSizeLimitingSpec = definePluginSpec({
  name: 'request-size-limiting',
  version: '1.0.0',
  priority: 951,
  description: 'Refuses request bodies larger than a limit with 413, by Content-Length or, for chunked bodies, as they stream.',
  schema: RequestSizeLimitingConfigSchema,
  httpProtocolsOnly: true
})
