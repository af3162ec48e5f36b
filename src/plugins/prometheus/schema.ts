import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec } from '../spec.js'

// Kong's prometheus (3.9): the same fields, defaults and priority. In Atrium it adds no request
// phase: it switches the node's built-in metrics per scope (src/data-plane/metrics/metrics-switches.ts).

const flag = (description: string): ReturnType<typeof Type.Boolean> => Type.Boolean({ default: false, description })

export const PrometheusConfigSchema = Type.Object({
  per_consumer: flag('Label atrium_http_requests_total and the bandwidth counters with the consumer an authentication plugin identified (username, else custom_id, else id).'),
  status_code_metrics: flag('Count requests by status code in atrium_http_requests_total.'),
  ai_metrics: flag('Kong\'s AI plugin metrics. Atrium bundles no AI plugins, so there are none to count; accepted so Kong files load.'),
  latency_metrics: flag('Observe the request, upstream and gateway latency histograms (atrium_request_latency_*, atrium_upstream_latency_*, atrium_gateway_latency_*).'),
  bandwidth_metrics: flag('Count request and response body bytes (atrium_request_bytes_total, atrium_response_bytes_total).'),
  upstream_health_metrics: flag('Count failed upstream attempts by kind (atrium_upstream_errors_total); with any instance setting it, show atrium_upstream_target_health.')
}, { additionalProperties: false })

export type PrometheusConfig = Static<typeof PrometheusConfigSchema>

export const prometheusSpec = definePluginSpec({
  name: 'prometheus',
  version: '1.0.0',
  priority: 13,
  description: 'Switches the node\'s Prometheus metrics per global, service, route or consumer scope (Kong\'s prometheus plugin); without any instance every family is counted on every route.',
  schema: PrometheusConfigSchema,
  bothWebProtocols: true
})
