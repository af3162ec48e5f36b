import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connectNode, eventually, groupWithToken, startKit } from '../sync-server/sync-kit.js'
import { parseExposition, promtoolCheck, samples, value } from '../../support/prometheus-text.js'
import { reportOf } from '../analytics/report-kit.js'

// The control plane's GET /metrics after known activity: Admin API requests by route pattern (never
// a raw path), nodes by runtime group and sync status, snapshot builds and pushes, store statement
// latency, analytics reports by outcome; and `promtool check metrics` on the whole exposition.

test('the control plane /metrics counts known Admin API, sync and analytics activity and passes promtool check metrics', async (t) => {
  const kit = await startKit(t, 'sqlite')
  const { token } = await groupWithToken(kit.call, 'prod')
  await groupWithToken(kit.call, 'staging')
  for (const name of ['a', 'b', 'c']) assert.equal((await kit.call('POST', '/runtime-groups/prod/services', { name, host: `${name}.internal` })).status, 201)
  assert.equal((await kit.call('GET', '/runtime-groups/prod/services/a')).status, 200)
  assert.equal((await kit.call('GET', '/runtime-groups/prod/services/zz')).status, 404)
  assert.equal((await kit.call('GET', '/no/such/path')).status, 404)

  const node = await connectNode(t, kit.syncUrl, token)
  node.hello({ node_id: 'n1', features: ['delta', 'analytics'] })
  await node.nextSnapshot()
  node.send({ type: 'ack', version: 4, hash: 'x' })
  const now = Math.floor(Date.now() / 1000)
  node.send(reportOf(1, [{ at: now, service: 's', route: null, status: 200, ms: 3 }]))
  node.send(reportOf(1, [{ at: now, service: 's', route: null, status: 200, ms: 3 }]))
  node.send({ type: 'analytics', boot_id: 'b', seq: 'x' })
  // A change after the node is in sync: one more build, pushed as a delta.
  assert.equal((await kit.call('POST', '/runtime-groups/prod/services', { name: 'd', host: 'd.internal' })).status, 201)
  await node.nextSnapshot().catch(() => null)

  const scrape = async (): Promise<{ text: string }> => {
    const r = await kit.call('GET', '/metrics')
    assert.equal(r.status, 200)
    return { text: r.text }
  }
  const all = await eventually(async () => {
    const parsed = parseExposition((await scrape()).text)
    const settled = samples(parsed, 'atrium_cp_analytics_reports_total', { outcome: 'duplicate' })[0]?.value === 1 &&
      samples(parsed, 'atrium_cp_snapshot_build_duration_seconds_count', { runtime_group: 'prod' })[0]?.value === 2
    return settled ? parsed : null
  }, 5000, 'the duplicate report and the second build counted')

  assert.equal(value(all, 'atrium_cp_admin_requests_total', { method: 'POST', route: '/runtime-groups/:rg/services', status: '201' }), 4)
  assert.equal(value(all, 'atrium_cp_admin_requests_total', { method: 'POST', route: '/runtime-groups', status: '201' }), 2)
  assert.equal(value(all, 'atrium_cp_admin_requests_total', { method: 'GET', route: '/runtime-groups/:rg/services/:id', status: '200' }), 1)
  assert.equal(value(all, 'atrium_cp_admin_requests_total', { method: 'GET', route: '/runtime-groups/:rg/services/:id', status: '404' }), 1)
  assert.equal(value(all, 'atrium_cp_admin_requests_total', { method: 'GET', route: 'unmatched', status: '404' }), 1)
  assert.equal(value(all, 'atrium_cp_admin_request_duration_seconds_count', { method: 'POST', route: '/runtime-groups/:rg/services', status: '201' }), 4)
  for (const s of samples(all, 'atrium_cp_admin_requests_total')) assert.ok(!s.labels.route.includes('/a') && !s.labels.route.includes('zz'), `raw path in ${JSON.stringify(s.labels)}`)

  assert.equal(value(all, 'atrium_cp_data_plane_nodes', { runtime_group: 'prod', sync_status: 'in_sync' }), 1)
  assert.equal(samples(all, 'atrium_cp_data_plane_nodes', { runtime_group: 'staging' }).length, 0)
  assert.equal(value(all, 'atrium_cp_snapshot_pushes_total', { runtime_group: 'prod', kind: 'full' }), 1)
  assert.equal(value(all, 'atrium_cp_snapshot_pushes_total', { runtime_group: 'prod', kind: 'delta' }), 1)
  assert.ok(value(all, 'atrium_cp_store_query_duration_seconds_count', { operation: 'select' }) > 0)
  assert.ok(value(all, 'atrium_cp_store_query_duration_seconds_count', { operation: 'insert' }) > 0)
  assert.equal(value(all, 'atrium_cp_analytics_reports_total', { outcome: 'stored' }), 1)
  assert.equal(value(all, 'atrium_cp_analytics_reports_total', { outcome: 'rejected' }), 1)
  assert.equal(value(all, 'atrium_cp_analytics_buckets_total', { outcome: 'stored' }), 1)
  assert.ok(samples(all, 'process_cpu_seconds_total').length === 1, 'Node process metrics are exposed')

  // The whole exposition, process metrics included, is clean for promtool.
  const { text } = await scrape()
  const { code, output } = promtoolCheck(text)
  assert.equal(code, 0, `promtool check metrics:\n${output}`)
})
