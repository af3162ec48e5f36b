import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec, type PluginConfigIssue } from '../spec.js'
import { HeaderName } from '../schema-types.js'

// Kong's request-termination (3.x): same fields, defaults, rules and priority.

export const RequestTerminationConfigSchema = Type.Object({
  status_code: Type.Integer({ minimum: 100, maximum: 599, default: 503, description: 'Status of the response.' }),
  message: Type.Optional(Type.String({ description: 'Answer {"message": message} as JSON. Without message and body, a default message for the status (e.g. "Service unavailable") is used.' })),
  body: Type.Optional(Type.String({ description: 'Raw response body (instead of message).' })),
  content_type: Type.Optional(Type.String({ minLength: 1, description: 'Content-Type of body (requires body).' })),
  echo: Type.Boolean({ default: false, description: 'Answer with a JSON description of the request (method, path, headers, query, matched route and service) instead of the message.' }),
  trigger: Type.Optional(HeaderName({ description: 'Terminate only requests that carry this header or query parameter; others pass through.' }))
}, { additionalProperties: false })

export type RequestTerminationConfig = Static<typeof RequestTerminationConfigSchema>

function checkRequestTermination (config: RequestTerminationConfig): PluginConfigIssue[] {
  const issues: PluginConfigIssue[] = []
  if (config.message !== undefined && (config.content_type !== undefined || config.body !== undefined)) {
    issues.push({ path: 'message', message: 'message cannot be used with content_type or body' })
  }
  if (config.content_type !== undefined && config.body === undefined) {
    issues.push({ path: 'content_type', message: 'content_type requires a body' })
  }
  if (config.echo && (config.content_type !== undefined || config.body !== undefined)) {
    issues.push({ path: 'echo', message: 'echo cannot be used with content_type and body' })
  }
  return issues
}

export const requestTerminationSpec = definePluginSpec({
  name: 'request-termination',
  version: '1.0.0',
  priority: 2,
  description: 'Answers requests itself with a fixed status and message or body, without calling the upstream (e.g. maintenance, or to disable a route).',
  schema: RequestTerminationConfigSchema,
  httpProtocolsOnly: true,
  check: checkRequestTermination
})
