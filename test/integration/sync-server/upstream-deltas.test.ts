import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { connectNode, deltaFollower, groupWithToken, ok, startKit } from './sync-kit.js'

// Targets live in their upstream's row, so every target write must renew that row's revision and
// reach a delta-speaking node as a delta carrying only that upstream (with its targets); upstream
// creates, updates and deletes too. Each rebuilt document is exactly what GET /config exports and
// loads with the hash the control plane sent.

describeStores((store) => {
  test('upstream and target writes reach a delta-speaking node as deltas that rebuild GET /config', async (t) => {
    const { call, syncUrl } = await startKit(t, store)
    const { token } = await groupWithToken(call, 'prod')
    await ok(call, 'PUT', '/runtime-groups/prod/config', {
      _format_version: '3.0',
      services: Array.from({ length: 20 }, (_, s) => ({ name: `svc${s}`, host: s === 0 ? 'orders.up' : `svc${s}.internal`, routes: [{ name: `r${s}`, paths: [`/s${s}`] }] })),
      upstreams: [{ name: 'orders.up', targets: [{ target: '127.0.0.1:9001' }] }, { name: 'carts.up' }]
    })
    const node = await connectNode(t, syncUrl, token)
    node.hello({ node_id: 'delta-node', features: ['delta'] })
    const f = deltaFollower(node)
    assert.equal((await f.next()).type, 'snapshot')

    const U = '/runtime-groups/prod/upstreams'
    const steps: Array<[string, string, unknown, string[], (doc: Record<string, any>) => boolean]> = [
      ['POST', `${U}/orders.up/targets`, { target: '127.0.0.1:9002', weight: 5 }, ['orders.up'], (d) => d.upstreams[0].targets.length === 2],
      ['PATCH', `${U}/orders.up/targets/127.0.0.1:9002`, { weight: 50 }, ['orders.up'], (d) => d.upstreams[0].targets[1].weight === 50],
      ['DELETE', `${U}/orders.up/targets/127.0.0.1:9001`, undefined, ['orders.up'], (d) => d.upstreams[0].targets.length === 1],
      ['PATCH', `${U}/carts.up`, { algorithm: 'least-connections' }, ['carts.up'], (d) => d.upstreams[1].algorithm === 'least-connections'],
      ['POST', U, { name: 'new.up' }, ['new.up'], (d) => d.upstreams.length === 3],
      ['DELETE', `${U}/carts.up`, undefined, [], (d) => d.upstreams.map((u: any) => u.name).join() === 'orders.up,new.up']
    ]
    for (const [method, path, body, put, check] of steps) {
      await ok(call, method, path, body)
      const frame = await f.next()
      assert.equal(frame.type, 'delta', `${method} ${path} arrives as a delta`)
      assert.deepEqual(frame.put.map((e) => e.name), put, `${method} ${path}: the delta puts only the upstream that changed`)
      assert.ok(check(f.doc()), `${method} ${path}: ${JSON.stringify(f.doc().upstreams)}`)
      assert.deepEqual(f.doc(), await ok(call, 'GET', '/runtime-groups/prod/config'), `${method} ${path}: rebuilt = exported`)
    }
  })
})
