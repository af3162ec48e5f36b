import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeDocument } from '../../../src/contract/index.js'
import { describeStores } from '../../support/stores.js'
import { startAdmin, versionOf, type Call } from './gateway-kit.js'

// Kong's upstream and target endpoints on the control plane (/runtime-groups/{rg}/upstreams[/{u}],
// …/upstreams/{u}/targets[/{t}]) on both stores: defaults as Kong's Admin API shows them, Kong's
// errors (400 naming the field, 409 on a duplicate name or target address, 404), targets addressed
// by id or address, and the declarative round trip (export → PUT /config → diff empty).

const U = '/runtime-groups/prod/upstreams'

async function group (call: Call): Promise<void> {
  assert.equal((await call('POST', '/runtime-groups', { name: 'prod' })).status, 201)
}

describeStores((store) => {
  test('upstreams: Kong defaults, shorthands, 400 naming the field, 409 on a taken name, healthchecks merged by PATCH', async (t) => {
    const call = await startAdmin(t, store)
    await group(call)
    const created = await call('POST', U, { name: 'orders.v1', tags: ['team-a'] })
    assert.equal(created.status, 201, created.text)
    const u = created.body
    assert.equal(u.algorithm, 'round-robin')
    assert.equal(u.hash_on, 'none')
    assert.equal(u.hash_fallback, 'none')
    assert.equal(u.slots, 10000)
    assert.equal(u.hash_on_cookie_path, '/')
    assert.equal(u.healthchecks.active.http_path, '/')
    assert.deepEqual(u.healthchecks.passive.unhealthy.http_statuses, [429, 500, 503])
    assert.equal(u.healthchecks.threshold, 0)
    assert.equal(u.targets, undefined, 'targets have their own endpoints')
    assert.deepEqual(u.tags, ['team-a'])

    const hashed = await call('POST', U, { name: 'carts', hash_on: 'header', hash_on_header: 'X-User' })
    assert.equal(hashed.status, 201, hashed.text)
    assert.equal(hashed.body.algorithm, 'consistent-hashing', 'a hash_on other than none means consistent-hashing (Kong shorthand)')

    const ip = await call('POST', U, { name: '10.0.0.1' })
    assert.equal(ip.status, 400)
    assert.equal(ip.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
    assert.ok(ip.body.fields.name !== undefined, ip.text)
    const badSlots = await call('POST', U, { name: 'x', slots: 5 })
    assert.deepEqual([badSlots.status, Object.keys(badSlots.body.fields)], [400, ['slots']])
    const coupled = await call('POST', U, { name: 'y', hash_on: 'header' })
    assert.equal(coupled.status, 400)
    assert.ok(Object.keys(coupled.body.fields).some((f) => f.includes('hash_on_header')), coupled.text)
    const taken = await call('POST', U, { name: 'orders.v1' })
    assert.deepEqual([taken.status, taken.body.code, taken.body.fields], [409, 'ATRIUM_ERR_ADMIN_CONFLICT', { name: 'already exists' }])
    const withTargets = await call('POST', U, { name: 'z', targets: [{ target: '127.0.0.1:1' }] })
    assert.deepEqual([withTargets.status, Object.keys(withTargets.body.fields)], [400, ['targets']])

    const patched = await call('PATCH', `${U}/orders.v1`, { healthchecks: { active: { healthy: { interval: 5 } } } })
    assert.equal(patched.status, 200, patched.text)
    assert.equal(patched.body.healthchecks.active.healthy.interval, 5)
    assert.deepEqual(patched.body.healthchecks.active.healthy.http_statuses, [200, 302], 'PATCH merges healthchecks field by field')
    const toLeast = await call('PATCH', `${U}/carts`, { algorithm: 'least-connections' })
    assert.equal(toLeast.status, 200, toLeast.text)
    assert.deepEqual([toLeast.body.algorithm, toLeast.body.hash_on], ['least-connections', 'none'])

    assert.equal((await call('GET', `${U}/${u.id}`)).body.name, 'orders.v1')
    assert.equal((await call('GET', `${U}/nope`)).status, 404)
    const listed = await call('GET', U)
    assert.deepEqual(listed.body.data.map((x: any) => x.name), ['orders.v1', 'carts'])
  })

  test('targets: port 8000 and weight 100 by default, addressed by id or address, 409 on a duplicate address, deleted with the upstream', async (t) => {
    const call = await startAdmin(t, store)
    await group(call)
    const u = (await call('POST', U, { name: 'orders' })).body
    const v0 = await versionOf(call, 'prod')
    const a = await call('POST', `${U}/orders/targets`, { target: 'svc-a.internal' })
    assert.equal(a.status, 201, a.text)
    assert.equal(a.body.target, 'svc-a.internal:8000')
    assert.equal(a.body.weight, 100)
    assert.deepEqual(a.body.upstream, { id: u.id })
    assert.equal(typeof a.body.created_at, 'number')
    const b = await call('POST', `${U}/${u.id}/targets`, { target: '127.0.0.1:9001', weight: 0, tags: ['canary'] })
    assert.equal(b.status, 201, b.text)
    assert.equal(await versionOf(call, 'prod'), v0 + 2, 'each target write bumps the config version once')

    const dup = await call('POST', `${U}/orders/targets`, { target: 'svc-a.internal:8000' })
    assert.deepEqual([dup.status, dup.body.code, dup.body.fields], [409, 'ATRIUM_ERR_ADMIN_CONFLICT', { target: 'already exists' }])
    const bad = await call('POST', `${U}/orders/targets`, { target: 'not a host', weight: 70000 })
    assert.equal(bad.status, 400)
    assert.deepEqual(Object.keys(bad.body.fields).sort(), ['target', 'weight'])
    const unknown = await call('POST', `${U}/orders/targets`, { target: '127.0.0.1:1', colour: 'red' })
    assert.deepEqual([unknown.status, unknown.body.fields], [400, { colour: 'unknown field' }])
    assert.equal((await call('POST', `${U}/nope/targets`, { target: '127.0.0.1:1' })).status, 404)

    assert.equal((await call('GET', `${U}/orders/targets/${a.body.id}`)).body.target, 'svc-a.internal:8000')
    assert.equal((await call('GET', `${U}/orders/targets/127.0.0.1:9001`)).body.id, b.body.id)
    assert.equal((await call('GET', `${U}/orders/targets/svc-a.internal`)).body.id, a.body.id, 'a bare host means port 8000')
    assert.equal((await call('GET', `${U}/orders/targets/127.0.0.1:1`)).status, 404)
    const listed = await call('GET', `${U}/orders/targets`)
    assert.deepEqual(listed.body.data.map((x: any) => [x.target, x.weight]), [['svc-a.internal:8000', 100], ['127.0.0.1:9001', 0]])

    const patched = await call('PATCH', `${U}/orders/targets/127.0.0.1:9001`, { weight: 25 })
    assert.deepEqual([patched.status, patched.body.weight, patched.body.tags, patched.body.id], [200, 25, ['canary'], b.body.id])
    const put = await call('PUT', `${U}/orders/targets/127.0.0.2:9002`, { weight: 7 })
    assert.deepEqual([put.status, put.body.target, put.body.weight], [201, '127.0.0.2:9002', 7])
    assert.equal((await call('DELETE', `${U}/orders/targets/127.0.0.2:9002`)).status, 204)
    assert.equal((await call('DELETE', `${U}/orders/targets/127.0.0.2:9002`)).status, 204, 'deleting a missing target answers 204, as Kong')
    assert.equal((await call('GET', `${U}/orders/targets`)).body.data.length, 2)

    const exported = (await call('GET', '/runtime-groups/prod/config')).body
    assert.deepEqual(exported.upstreams.map((x: any) => [x.name, x.targets.map((tt: any) => tt.target)]), [['orders', ['svc-a.internal:8000', '127.0.0.1:9001']]])
    assert.ok(loadDeclarativeDocument(exported).ok, 'the export loads as a declarative file')

    // Replacing the upstream keeps its targets; deleting it takes them along.
    const replaced = await call('PUT', `${U}/orders`, { slots: 100 })
    assert.deepEqual([replaced.status, replaced.body.slots], [200, 100])
    assert.equal((await call('GET', `${U}/orders/targets`)).body.data.length, 2)
    assert.equal((await call('DELETE', `${U}/orders`)).status, 204)
    assert.equal((await call('GET', `${U}/orders/targets`)).status, 404)
    assert.equal((await call('GET', '/runtime-groups/prod/config')).body.upstreams, undefined)
  })

  test('declarative round trip: nested and top-level targets import, keep their ids, export and re-apply with an empty diff; select_tags scopes them', async (t) => {
    const call = await startAdmin(t, store)
    await group(call)
    const doc = {
      _format_version: '3.0',
      services: [{ name: 'orders', host: 'orders.upstream', routes: [{ name: 'r', paths: ['/orders'] }] }],
      upstreams: [
        { name: 'orders.upstream', algorithm: 'least-connections', tags: ['a'], targets: [{ target: '127.0.0.1:9001', weight: 10, tags: ['a'] }] },
        { name: 'other', tags: ['b'] }
      ],
      targets: [{ target: '127.0.0.1:9002', upstream: 'orders.upstream', tags: ['a'] }, { target: '127.0.0.1:9003', upstream: { name: 'other' } }]
    }
    const applied = await call('PUT', '/runtime-groups/prod/config', doc)
    assert.equal(applied.status, 200, applied.text)
    const exported = (await call('GET', '/runtime-groups/prod/config')).body
    assert.equal(exported.targets, undefined, 'top-level targets are stored in their upstream')
    const orders = exported.upstreams[0]
    assert.deepEqual(orders.targets.map((x: any) => [x.target, x.weight]), [['127.0.0.1:9001', 10], ['127.0.0.1:9002', 100]])
    assert.deepEqual(exported.upstreams[1].targets.map((x: any) => x.target), ['127.0.0.1:9003'])
    const ids = orders.targets.map((x: any) => x.id)

    // The same file again (no ids): nothing changes, the target ids are kept.
    const diff = await call('POST', '/runtime-groups/prod/config/diff', doc)
    assert.deepEqual([diff.body.create, diff.body.update, diff.body.delete], [[], [], []])
    const v = await versionOf(call, 'prod')
    assert.equal((await call('PUT', '/runtime-groups/prod/config', doc)).body.config_version, v)
    assert.deepEqual((await call('GET', `${U}/orders.upstream/targets`)).body.data.map((x: any) => x.id), ids)

    // The export itself re-applies with an empty diff.
    const again = await call('POST', '/runtime-groups/prod/config/diff', exported)
    assert.deepEqual([again.body.create, again.body.update, again.body.delete], [[], [], []])

    // A changed weight is an update of that upstream; a removed upstream a delete.
    const changed = { ...doc, upstreams: [{ ...doc.upstreams[0], targets: [{ target: '127.0.0.1:9001', weight: 20, tags: ['a'] }] }], targets: [] }
    const d2 = await call('POST', '/runtime-groups/prod/config/diff', changed)
    assert.deepEqual(d2.body.update.map((x: any) => [x.kind, x.name]), [['upstream', 'orders.upstream']])
    assert.deepEqual(d2.body.delete.map((x: any) => [x.kind, x.name]), [['upstream', 'other']])

    const selected = (await call('GET', '/runtime-groups/prod/config?select_tags=a')).body
    assert.deepEqual(selected.upstreams.map((x: any) => [x.name, x.targets.map((tt: any) => tt.target)]), [['orders.upstream', ['127.0.0.1:9001', '127.0.0.1:9002']]])

    const dupTarget = await call('PUT', '/runtime-groups/prod/config', { _format_version: '3.0', upstreams: [{ name: 'u', targets: [{ target: '127.0.0.1:1' }, { target: '127.0.0.1:1' }] }] })
    assert.equal(dupTarget.status, 400)
    assert.ok(Object.keys(dupTarget.body.fields).some((f) => f.startsWith('upstreams[0].targets[1]')), dupTarget.text)
  })
})
