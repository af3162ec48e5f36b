import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { PATIENT, connectNode, deltaFollower, groupWithToken, ok, startKit } from './sync-kit.js'

// Delta frames: a node that announces the `delta` feature gets, after its first full snapshot, only
// what changed; rebuilding the document from them must give exactly what GET /config exports, with
// the hash the contract computes, through every kind of Admin API write.

describeStores((store) => {
  test('a delta-speaking node gets deltas that rebuild GET /config exactly, through every kind of write', async (t) => {
    const { call, syncUrl } = await startKit(t, store, { syncTimings: PATIENT })
    const { token } = await groupWithToken(call, 'prod')
    await ok(call, 'PUT', '/runtime-groups/prod/config', {
      _format_version: '3.0',
      services: Array.from({ length: 40 }, (_, s) => ({
        name: `svc${s}`, url: `http://svc${s}.internal:8080`, routes: Array.from({ length: 5 }, (_, r) => ({ name: `svc${s}-r${r}`, paths: [`/s${s}/r${r}`] }))
      })),
      consumers: [{ username: 'alice' }]
    })
    const node = await connectNode(t, syncUrl, token)
    node.hello({ node_id: 'delta-node', features: ['delta'] })
    const f = deltaFollower(node)
    const first = await f.next()
    assert.equal(first.type, 'snapshot')

    const writes: Array<[string, string, unknown?]> = [
      ['POST', '/runtime-groups/prod/services/svc3/routes', { name: 'new-route', paths: ['/new'] }],
      ['PATCH', '/runtime-groups/prod/routes/svc7-r2', { paths: ['/moved'] }],
      ['PATCH', '/runtime-groups/prod/routes/svc7-r3', { service: { name: 'svc9' } }],
      ['PUT', '/runtime-groups/prod/services/svc1', { url: 'http://elsewhere.internal:9000' }],
      ['DELETE', '/runtime-groups/prod/routes/svc2-r0'],
      ['DELETE', '/runtime-groups/prod/services/svc5?cascade=true'],
      ['POST', '/runtime-groups/prod/services', { name: 'late', host: 'late.internal' }],
      ['POST', '/runtime-groups/prod/routes', { name: 'top-level', paths: ['/top'], service: { name: 'late' } }],
      ['POST', '/runtime-groups/prod/consumers', { username: 'bob' }],
      ['DELETE', '/runtime-groups/prod/consumers/alice']
    ]
    for (const [method, path, body] of writes) {
      await ok(call, method, path, body)
      const frame = await f.next()
      assert.equal(frame.type, 'delta', `${method} ${path} arrives as a delta`)
      assert.ok(frame.bytes < first.bytes / 4, `${method} ${path}: delta of ${frame.bytes} bytes vs ${first.bytes} for the snapshot`)
      assert.deepEqual(f.doc(), await ok(call, 'GET', '/runtime-groups/prod/config'), `${method} ${path}: rebuilt = exported`)
    }

    // A declarative apply that changes a few entities among many is a delta too.
    const exported = await ok(call, 'GET', '/runtime-groups/prod/config')
    exported.services[0].routes[0].paths = ['/via-put-config']
    await ok(call, 'PUT', '/runtime-groups/prod/config', exported)
    assert.equal((await f.next()).type, 'delta')
    assert.deepEqual(f.doc(), await ok(call, 'GET', '/runtime-groups/prod/config'))
  })

  test('nodes without the delta feature get full snapshots; resync gets the full snapshot again', async (t) => {
    const { call, syncUrl } = await startKit(t, store, { syncTimings: PATIENT })
    const { token } = await groupWithToken(call, 'prod')
    await ok(call, 'POST', '/runtime-groups/prod/services', { name: 'orders', host: 'orders.internal' })
    const plain = await connectNode(t, syncUrl, token)
    plain.hello({ node_id: 'plain' })
    const deltaNode = await connectNode(t, syncUrl, token)
    deltaNode.hello({ node_id: 'delta', features: ['delta', 'some-future-feature'] })
    const [p0, d0] = await Promise.all([plain.nextSnapshot(), deltaNode.nextSnapshot()])
    assert.equal(p0.value.type, 'snapshot')
    assert.equal(d0.value.type, 'snapshot')
    await ok(call, 'POST', '/runtime-groups/prod/services/orders/routes', { name: 'r', paths: ['/r'] })
    const [p1, d1] = await Promise.all([plain.nextSnapshot(), deltaNode.nextSnapshot()])
    assert.equal(p1.value.type, 'snapshot')
    assert.equal((d1.value as any).type, 'delta')
    assert.equal((d1.value as any).base_version, d0.value.version)
    assert.equal(d1.value.hash, p1.value.hash)

    deltaNode.send({ type: 'resync', reason: 'test: pretend the delta did not fit' })
    const again = await deltaNode.nextSnapshot()
    assert.equal(again.value.type, 'snapshot')
    assert.equal(again.value.version, p1.value.version)
    assert.ok(again.bytes.equals(p1.bytes), 'the same full snapshot bytes')
  })
})
