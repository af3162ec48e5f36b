import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeDocument } from '../../../src/contract/index.js'
import { describeStores } from '../../support/stores.js'
import { connectNode, groupWithToken, quiet, startKit } from './sync-kit.js'

describeStores((store) => {
  test('answers hello with welcome and a gzip snapshot whose hash is the contract\'s hash of its config', async (t) => {
    const { call, syncUrl } = await startKit(t, store)
    const { token, groupId } = await groupWithToken(call, 'prod')
    assert.equal((await call('POST', '/runtime-groups/prod/services', { name: 'orders', url: 'http://orders.internal:8080' })).status, 201)
    const node = await connectNode(t, syncUrl, token)
    node.hello()
    const welcome = await node.next()
    assert.deepEqual(welcome, { kind: 'json', value: { type: 'welcome', runtime_group: { id: groupId, name: 'prod' }, sync_status: 'syncing' } })
    const snap = await node.nextSnapshot()
    assert.equal(snap.value.type, 'snapshot')
    assert.equal(snap.value.version, 1)
    const loaded = loadDeclarativeDocument(snap.value.config)
    assert.ok(loaded.ok)
    assert.equal(snap.value.hash, loaded.hash)
    assert.equal(snap.bytes[0], 0x1f) // gzip magic
    assert.equal(snap.bytes[1], 0x8b)
    assert.deepEqual(snap.value.config, (await call('GET', '/runtime-groups/prod/config')).body)
  })

  test('sends no snapshot to a node that already has the current hash', async (t) => {
    const { call, syncUrl } = await startKit(t, store)
    const { token } = await groupWithToken(call, 'prod')
    await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'orders.internal' })
    const first = await connectNode(t, syncUrl, token)
    first.hello({ node_id: 'a' })
    const snap = await first.nextSnapshot()
    const second = await connectNode(t, syncUrl, token)
    second.hello({ node_id: 'b', config_hash: snap.value.hash })
    assert.equal((await second.next()).value.sync_status, 'in_sync')
    assert.equal(await quiet(second, 400), null)
  })

  test('pushes each change to every node of that group only, with a higher version', async (t) => {
    const { call, syncUrl } = await startKit(t, store)
    const a = await groupWithToken(call, 'alpha')
    const b = await groupWithToken(call, 'beta')
    await call('POST', '/runtime-groups/alpha/services', { name: 'alpha-svc', host: 'alpha.internal' })
    await call('POST', '/runtime-groups/beta/services', { name: 'beta-svc', host: 'beta.internal' })
    const a1 = await connectNode(t, syncUrl, a.token)
    const a2 = await connectNode(t, syncUrl, a.token)
    const b1 = await connectNode(t, syncUrl, b.token)
    // A node cannot choose its group: nothing in hello names one, and the token decides.
    a1.hello({ node_id: 'a1' })
    a2.hello({ node_id: 'a2' })
    b1.hello({ node_id: 'b1' })
    const [s1, s2, sb] = await Promise.all([a1.nextSnapshot(), a2.nextSnapshot(), b1.nextSnapshot()])
    assert.deepEqual([s1.value.config.services, s2.value.config.services].map((s: any) => s.map((x: any) => x.name)), [['alpha-svc'], ['alpha-svc']])
    assert.deepEqual((sb.value.config.services as any[]).map((x) => x.name), ['beta-svc'])
    assert.ok(s1.bytes.equals(s2.bytes), 'one serialisation for the whole group')

    assert.equal((await call('POST', '/runtime-groups/alpha/routes', { name: 'r', paths: ['/a'], service: { name: 'alpha-svc' } })).status, 201)
    const [n1, n2] = await Promise.all([a1.nextSnapshot(), a2.nextSnapshot()])
    assert.ok(n1.value.version > s1.value.version)
    assert.equal(n1.value.version, (await call('GET', '/runtime-groups/alpha')).body.config_version)
    assert.deepEqual(n1.value, n2.value)
    assert.equal((n1.value.config.services as any[])[0].routes[0].name, 'r')
    assert.equal(await quiet(b1, 400), null, 'the other group hears nothing')
  })

  test('coalesces a burst of 20 changes: strictly increasing versions, the last one final, each version built once', async (t) => {
    const { call, syncUrl, logs, cp } = await startKit(t, store)
    const { token, groupId } = await groupWithToken(call, 'prod')
    const node = await connectNode(t, syncUrl, token)
    node.hello()
    const first = await node.nextSnapshot()
    await Promise.all(Array.from({ length: 20 }, (_, i) => call('POST', '/runtime-groups/prod/services', { name: `s${i}`, host: `s${i}.internal` })))
    const final = (await call('GET', '/runtime-groups/prod')).body.config_version
    assert.equal(final, 20)
    const versions = [first.value.version]
    while (versions[versions.length - 1] < final) versions.push((await node.nextSnapshot()).value.version)
    for (let i = 1; i < versions.length; i++) assert.ok(versions[i] > versions[i - 1], `versions increase: ${versions.join(',')}`)
    assert.equal(await quiet(node, 300), null)
    const built = logs.filter((l) => l.msg === 'snapshot built' && l.runtime_group_id === groupId).map((l) => l.version)
    assert.deepEqual(built, versions, 'every built version was pushed, none built twice')
    assert.equal(cp.snapshotBuilds(groupId), built.length)
    const last = node.received.filter((m) => m.kind === 'snapshot').pop()
    assert.equal(last?.kind === 'snapshot' && (last.value.config.services as any[]).length, 20)
  })
})

test('a declarative PUT /config reaches nodes as one new version', async (t) => {
  const { call, syncUrl } = await startKit(t, 'sqlite')
  const { token } = await groupWithToken(call, 'prod')
  const node = await connectNode(t, syncUrl, token)
  node.hello()
  await node.nextSnapshot()
  const doc = { _format_version: '3.0', services: [{ name: 'a', url: 'http://a.internal', routes: [{ name: 'ra', paths: ['/a'] }] }] }
  const put = await call('PUT', '/runtime-groups/prod/config', doc)
  assert.equal(put.status, 200, put.text)
  const snap = await node.nextSnapshot()
  assert.equal(snap.value.version, put.body.config_version)
  assert.equal(snap.value.hash, (loadDeclarativeDocument(snap.value.config) as { hash: string }).hash)
  assert.equal((snap.value.config.services as any[])[0].routes[0].name, 'ra')
})
