import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { httpCall } from '../../support/http-client.js'
import { parseExposition, value } from '../../support/prometheus-text.js'
import { NODE_MODES } from '../../support/hybrid-plugin-node.js'
import { upstreamHealth, type PluginNode } from '../../support/plugin-gateway.js'
import { refusedPort, startUpstream } from '../../support/upstream.js'

// Kong's health checks through a real node and real targets on 127.0.0.1: passive marking from real
// traffic with exact counts, active probes taking a target down and bringing it back, the
// threshold, health kept over a config change, and the node's GET /upstreams/{name}/health. Every
// test runs on a DB-less node and on a node fed by the control plane.

const health = upstreamHealth

async function states (node: PluginNode, name: string): Promise<string[]> {
  return (await health(node, name)).body.data.map((t: { health: string }) => t.health)
}

for (const [mode, startPluginNode] of NODE_MODES) {
  test(`${mode}: passive: the third 500 of a target marks it unhealthy; from then on only the other one gets traffic, and passive never brings it back`, async (t) => {
    let failing = true
    const a = await startUpstream(t, (_req, res) => { res.statusCode = failing ? 500 : 200; res.end('a') })
    const b = await startUpstream(t, (_req, res) => res.end('b'))
    const node = await startPluginNode(t, {
      _format_version: '3.0',
      upstreams: [{
        name: 'p.up',
        healthchecks: { passive: { unhealthy: { http_failures: 3, http_statuses: [500] } } },
        targets: [{ target: `127.0.0.1:${a.port}` }, { target: `127.0.0.1:${b.port}` }]
      }],
      services: [{ name: 's', host: 'p.up', routes: [{ paths: ['/'] }] }]
    })
    assert.deepEqual(await states(node, 'p.up'), ['HEALTHY', 'HEALTHY'])
    const seen: string[] = []
    for (let i = 0; i < 12; i++) {
      const res = await node.get('/x')
      seen.push(`${res.status} ${res.body}`)
    }
    assert.equal(a.requests, 3, 'exactly three answers of the failing target were counted before it was taken out')
    assert.deepEqual(seen.filter((s) => s === '500 a').length, 3, 'its 500s were passed through, not retried')
    assert.deepEqual(await states(node, 'p.up'), ['UNHEALTHY', 'HEALTHY'])
    const metrics = parseExposition((await httpCall(`http://127.0.0.1:${node.dp.statusAddress.port}/metrics`)).body)
    const gauge = (port: number, state: string): number => value(metrics, 'atrium_upstream_target_health', { upstream: 'p.up', target: `127.0.0.1:${port}`, address: `127.0.0.1:${port}`, state })
    assert.deepEqual([gauge(a.port, 'unhealthy'), gauge(a.port, 'healthy'), gauge(b.port, 'healthy'), gauge(b.port, 'healthchecks_off')], [1, 0, 1, 0])
    failing = false
    for (let i = 0; i < 5; i++) assert.equal((await node.get('/x')).body, 'b')
    assert.equal(a.requests, 3, 'no traffic reaches an unhealthy target, so passive checks cannot re-enable it')
  })

  test(`${mode}: passive tcp failures take a refused target out; the retry goes to the other one`, async (t) => {
    const b = await startUpstream(t, (_req, res) => res.end('b'))
    const dead = await refusedPort()
    const node = await startPluginNode(t, {
      _format_version: '3.0',
      upstreams: [{ name: 'tcp.up', healthchecks: { passive: { unhealthy: { tcp_failures: 1 } } }, targets: [{ target: `127.0.0.1:${dead}` }, { target: `127.0.0.1:${b.port}` }] }],
      services: [{ name: 's', host: 'tcp.up', retries: 1, routes: [{ paths: ['/'] }] }]
    })
    assert.deepEqual([(await node.get('/x')).body, (await node.get('/x')).body], ['b', 'b'])
    assert.deepEqual(await states(node, 'tcp.up'), ['UNHEALTHY', 'HEALTHY'])
  })

  test(`${mode}: active: failing probes take a target down, passing probes bring it back; balancer health follows the threshold`, { timeout: 30_000 }, async (t) => {
    let ok = false
    const a = await startUpstream(t, (req, res) => {
      if (req.url === '/healthz') { res.statusCode = ok ? 200 : 503; res.end(); return }
      res.end('a')
    })
    const b = await startUpstream(t, (req, res) => res.end(req.url === '/healthz' ? '' : 'b'))
    const node = await startPluginNode(t, {
      _format_version: '3.0',
      upstreams: [{
        name: 'act.up',
        healthchecks: {
          threshold: 60,
          active: { http_path: '/healthz', timeout: 1, healthy: { interval: 0.05, successes: 2 }, unhealthy: { interval: 0.05, http_failures: 2 } }
        },
        targets: [{ target: `127.0.0.1:${a.port}` }, { target: `127.0.0.1:${b.port}` }]
      }],
      services: [{ name: 's', host: 'act.up', routes: [{ paths: ['/'] }] }]
    })
    while ((await states(node, 'act.up'))[0] !== 'UNHEALTHY') await sleep(20)
    const down = await health(node, 'act.up', '?balancer_health=1')
    assert.equal(down.body.data.health, 'UNHEALTHY', 'half the weight is below the 60% threshold')
    assert.deepEqual(down.body.data.details.weight, { total: 200, available: 100, unavailable: 100 })
    const refused = await node.get('/x')
    assert.equal(refused.status, 503)
    assert.equal(JSON.parse(refused.body).code, 'ATRIUM_ERR_PROXY_NO_PEER')
    ok = true
    while ((await states(node, 'act.up'))[0] !== 'HEALTHY') await sleep(20)
    assert.equal((await health(node, 'act.up', '?balancer_health=1')).body.data.health, 'HEALTHY')
    const bodies = new Set<string>()
    for (let i = 0; i < 4; i++) bodies.add((await node.get('/x')).body)
    assert.deepEqual([...bodies].sort(), ['a', 'b'], 'the recovered target gets traffic again')
  })

  test(`${mode}: an upstream without checks is HEALTHCHECKS_OFF; an unknown one is 404; targets carry Kong's fields`, async (t) => {
    const node = await startPluginNode(t, {
      _format_version: '3.0',
      upstreams: [{ name: 'off.up', targets: [{ target: '10.0.0.1:8080', weight: 5, tags: ['x'] }] }]
    })
    const res = await health(node, 'OFF.up')
    assert.equal(res.status, 200)
    assert.deepEqual(res.body.data.map((d: any) => [d.target, d.weight, d.health, d.data.addresses]), [['10.0.0.1:8080', 5, 'HEALTHCHECKS_OFF', [{ ip: '10.0.0.1', port: 8080, weight: 5, health: 'HEALTHCHECKS_OFF' }]]])
    assert.equal((await health(node, 'off.up', '?balancer_health=1')).body.data.health, 'HEALTHCHECKS_OFF')
    assert.equal((await health(node, 'nope.up')).status, 404)
  })

  test(`${mode}: a new config keeps the health of the addresses it still has: a target down stays out, a new one starts healthy`, async (t) => {
    const a = await startUpstream(t, (_req, res) => { res.statusCode = 500; res.end('a') })
    const b = await startUpstream(t, (_req, res) => res.end('b'))
    const c = await startUpstream(t, (_req, res) => res.end('c'))
    const doc = (targets: number[], paths: string[]): Record<string, unknown> => ({
      _format_version: '3.0',
      upstreams: [{
        name: 'keep.up',
        healthchecks: { passive: { unhealthy: { http_failures: 1, http_statuses: [500] } } },
        targets: targets.map((port) => ({ target: `127.0.0.1:${port}` }))
      }],
      services: [{ name: 's', host: 'keep.up', routes: [{ paths }] }]
    })
    const node = await startPluginNode(t, doc([a.port, b.port], ['/']))
    while ((await states(node, 'keep.up'))[0] !== 'UNHEALTHY') await node.get('/x')
    const before = a.requests
    const reloaded = await node.reload(doc([a.port, b.port, c.port], ['/', '/other']))
    assert.equal(reloaded.ok, true)
    assert.deepEqual(await states(node, 'keep.up'), ['UNHEALTHY', 'HEALTHY', 'HEALTHY'])
    const bodies: string[] = []
    for (let i = 0; i < 6; i++) bodies.push((await node.get('/other')).body)
    assert.deepEqual(bodies.sort(), ['b', 'b', 'b', 'c', 'c', 'c'])
    assert.equal(a.requests, before, 'the target taken out before the change gets nothing after it')
  })
}
