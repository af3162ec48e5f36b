import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMetricsRegistry, NodeMetrics } from '../../../../src/data-plane/metrics/index.js'
import { PROMTOOL, promtoolCheck } from '../../../support/prometheus-text.js'

// config/grafana/atrium.json: every query names metrics a node exposes by default (latency in
// seconds), every latency panel shows seconds, and every query is valid PromQL (checked by promtool
// as recording rules, with the dashboard variables filled in).

interface Panel { title: string, targets?: Array<{ expr: string }>, fieldConfig?: { defaults?: { unit?: string } } }

const dashboard = JSON.parse(readFileSync(join(process.cwd(), 'config/grafana/atrium.json'), 'utf8')) as { panels: Panel[], uid: string }
const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })))

test('the dashboard queries only metrics a hybrid node exposes with the default options', async () => {
  const metrics = new NodeMetrics({ analytics: true })
  const registry = createMetricsRegistry({
    metrics,
    state: { current: null, metrics },
    controlPlane: () => ({ url: 'ws://cp', node_id: 'n', connected: true, sync_status: 'in_sync', last_error: null }),
    analytics: { buffered: 0, dropped: { reports: 0, requests: 0 } } as never
  })
  const exposed = new Set(registry.getMetricsAsArray().map((m) => m.name))
  assert.ok(exprs.length >= 15)
  for (const { panel, expr } of exprs) {
    for (const name of expr.match(/\b(atrium|process|nodejs)_[a-z0-9_]+/g) ?? []) {
      const family = name.replace(/_(bucket|sum|count)$/, '')
      assert.ok(exposed.has(family) || exposed.has(name), `${panel}: ${name} is not exposed`)
    }
  }
  for (const wanted of ['atrium_http_requests_total', 'atrium_request_latency_seconds_bucket', 'atrium_upstream_latency_seconds_bucket', 'atrium_gateway_latency_seconds_bucket', 'atrium_config_info', 'atrium_control_plane_connected']) {
    assert.ok(exprs.some((e) => e.expr.includes(wanted)), `the dashboard uses ${wanted}`)
  }
  assert.ok(!exprs.some((e) => e.expr.includes('_latency_ms')), 'no query of the _ms names (--metrics-latency-unit ms only)')
})

test('every latency panel takes the quantile of a _seconds histogram and shows seconds', () => {
  const latency = dashboard.panels.filter((p) => (p.targets ?? []).some((t) => t.expr.includes('_latency_')))
  assert.ok(latency.length >= 5, `${latency.length} latency panels`)
  for (const panel of latency) {
    for (const t of panel.targets ?? []) assert.match(t.expr, /^histogram_quantile\(0\.\d+, sum by \(le[^)]*\) \(rate\(atrium_[a-z]+_latency_seconds_bucket\{/, panel.title)
    assert.equal(panel.fieldConfig?.defaults?.unit, 's', `${panel.title} shows seconds`)
  }
})

test('every dashboard query is valid PromQL (promtool check rules)', () => {
  promtoolCheck('') // fails clearly when promtool is missing
  const dir = mkdtempSync(join(tmpdir(), 'atrium-grafana-'))
  try {
    const rules = exprs.map(({ expr }, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(expr.replaceAll('$__rate_interval', '5m').replace(/\$[a-z]+/g, '.*'))}`)
    writeFileSync(join(dir, 'rules.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`)
    const r = spawnSync(PROMTOOL, ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' })
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
