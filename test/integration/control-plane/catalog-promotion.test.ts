import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { PETS_YAML } from '../portal/spec-fixtures.js'
import { startAdmin, versionOf, type Call } from './gateway-kit.js'

// POST /service-packages/{id}/versions/{vid}/promote: a version's implementation (service, routes,
// service and route plugins), spec and status copied into another runtime group as the same
// version; the dry run's diff; overrides remembered; a second promotion updating in place (and
// an unchanged one changing nothing); refusals that write nothing; a version addressed by name plus
// runtime group. Both stores.

const PROMOTE = '/service-packages/payments/versions/v2/promote?runtime_group=development'

async function ok (call: Call, method: string, path: string, body?: unknown): Promise<any> {
  const r = await call(method, path, body)
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`)
  return r.body
}

/** development/staging/production; payments v2 in development with two routes, two plugins and a spec. */
async function setup (call: Call): Promise<{ service: string }> {
  for (const name of ['development', 'staging', 'production']) await ok(call, 'POST', '/runtime-groups', { name })
  await ok(call, 'POST', '/service-packages', { name: 'payments' })
  await ok(call, 'POST', '/service-packages/payments/versions', { version: 'v2', runtime_group: 'development', status: 'published' })
  const { service } = await ok(call, 'PUT', '/service-packages/payments/versions/v2/implementation', { service: { name: 'payments-v2', url: 'http://payments.dev.internal:8080/api', read_timeout: 5000 } })
  await ok(call, 'POST', `/runtime-groups/development/services/${service.id as string}/routes`, { name: 'orders', paths: ['~/orders/(?<id>\\d+)$'], methods: ['GET'] })
  await ok(call, 'POST', `/runtime-groups/development/services/${service.id as string}/routes`, { name: 'health', paths: ['/health'] })
  await ok(call, 'POST', '/runtime-groups/development/plugins', { name: 'rate-limiting', service: { id: service.id }, config: { minute: 10, policy: 'local' } })
  await ok(call, 'POST', '/runtime-groups/development/plugins', { name: 'response-transformer', route: { name: 'health' }, config: { add: { headers: ['x-env:dev'] } } })
  const spec = await call('PUT', '/service-packages/payments/versions/v2/spec?runtime_group=development', PETS_YAML, { 'content-type': 'application/yaml' })
  assert.equal(spec.status, 201, spec.text)
  return { service: service.id }
}

/** The field paths of an error answer (`fields` maps each path to its message). */
const paths = (body: any): string[] => Object.keys(body.fields ?? {}).sort()

const kinds = (items: Array<{ kind: string }>): string[] => items.map((i) => i.kind).sort()

async function serviceTree (call: Call, rg: string, service: string): Promise<{ service: any, routes: any[], plugins: any[] }> {
  const doc = (await call('GET', `/runtime-groups/${rg}/config`)).body
  const s = doc.services.find((x: any) => x.id === service)
  const routeIds = new Set(s.routes.map((r: any) => r.id))
  return { service: s, routes: s.routes, plugins: (doc.plugins ?? []).filter((p: any) => p.service?.id === service || routeIds.has(p.route?.id)) }
}

describeStores((store) => {
  test('a dry run answers the target group\'s diff and writes nothing; the promotion copies implementation, spec and status with the overrides', async (t) => {
    const call = await startAdmin(t, store)
    await setup(call)
    const before = await versionOf(call, 'staging')

    const dry = await call('POST', PROMOTE, { runtime_group: 'staging', dry_run: true })
    assert.equal(dry.status, 200, dry.text)
    assert.deepEqual(kinds(dry.body.diff.create), ['plugin', 'plugin', 'route', 'route', 'service'])
    assert.deepEqual(dry.body.diff.update, [])
    assert.deepEqual(dry.body.diff.delete, [])
    assert.deepEqual(dry.body.diff.create.filter((i: any) => i.kind === 'route').map((i: any) => i.name).sort(), ['health', 'orders'])
    assert.equal(await versionOf(call, 'staging'), before, 'a dry run changes nothing')
    assert.equal((await call('GET', '/service-packages/payments/versions/v2?runtime_group=staging')).status, 404)

    const overrides = { service: { url: 'http://payments.staging.internal:9090' }, plugins: { 'rate-limiting': { config: { minute: 100 } } } }
    const r = await call('POST', PROMOTE, { runtime_group: 'staging', overrides })
    assert.equal(r.status, 201, r.text)
    assert.equal(r.body.version, 'v2')
    assert.equal(r.body.runtime_group.name, 'staging')
    assert.equal(r.body.status, 'published')
    assert.equal(r.body.api_spec.title, 'Pets API')
    assert.deepEqual(r.body.overrides, overrides)
    assert.equal(await versionOf(call, 'staging'), before + 1, 'one config change')

    const tree = await serviceTree(call, 'staging', r.body.implementation.service.id)
    assert.equal(tree.service.name, 'payments-v2')
    assert.equal(tree.service.host, 'payments.staging.internal')
    assert.equal(tree.service.port, 9090)
    assert.equal(tree.service.path ?? null, null, 'url replaces the path too')
    assert.equal(tree.service.read_timeout, 5000, 'fields not overridden are copied')
    assert.deepEqual(tree.routes.map((x) => [x.name, x.paths, x.methods ?? null]).sort(), [['health', ['/health'], null], ['orders', ['~/orders/(?<id>\\d+)$'], ['GET']]])
    const rl = tree.plugins.find((p) => p.name === 'rate-limiting')
    assert.equal(rl.config.minute, 100)
    assert.equal(rl.config.policy, 'local', 'a merge patch keeps the other config fields')
    const rt = tree.plugins.find((p) => p.name === 'response-transformer')
    assert.equal(rt.route.id, tree.routes.find((x) => x.name === 'health').id, 'the route plugin is on the target\'s route')
    // The spec is a copy, readable in the target group.
    const spec = await call('GET', '/service-packages/payments/versions/v2/spec?runtime_group=staging')
    assert.equal(spec.status, 200, spec.text)
    // The source is untouched.
    const dev = await call('GET', '/service-packages/payments/versions/v2?runtime_group=development')
    assert.equal(dev.body.runtime_group.name, 'development')
  })

  test('promoting again updates the target in place: remembered overrides, no change when nothing changed, source edits as updates, creates and deletes', async (t) => {
    const call = await startAdmin(t, store)
    const { service } = await setup(call)
    const first = await ok(call, 'POST', PROMOTE, { runtime_group: 'staging', overrides: { service: { host: 'payments.staging.internal' }, routes: { health: { hosts: ['staging.example.com'] } } } })
    const target = first.implementation.service.id
    const ids = await serviceTree(call, 'staging', target)
    const version = await versionOf(call, 'staging')

    const again = await call('POST', PROMOTE, { runtime_group: 'staging' })
    assert.equal(again.status, 201, again.text)
    assert.equal(again.body.id, first.id, 'the same version row')
    assert.equal(again.body.implementation.service.id, target, 'the same service')
    assert.equal(await versionOf(call, 'staging'), version, 'nothing changed: no new config version')
    const dryAgain = await ok(call, 'POST', PROMOTE, { runtime_group: 'staging', dry_run: true })
    assert.deepEqual(dryAgain.diff, { create: [], update: [], delete: [] })
    const remembered = await ok(call, 'GET', '/service-packages/payments/versions/v2/overrides?runtime_group=staging')
    assert.deepEqual(remembered.overrides, { service: { host: 'payments.staging.internal' }, routes: { health: { hosts: ['staging.example.com'] } } })
    const kept = await serviceTree(call, 'staging', target)
    assert.equal(kept.service.host, 'payments.staging.internal')
    assert.deepEqual(kept.routes.find((x) => x.name === 'health').hosts, ['staging.example.com'])

    // Edit the source: a path changed, a route added, a route (with its plugin) deleted.
    await ok(call, 'PATCH', '/runtime-groups/development/routes/orders', { paths: ['~/orders/(?<id>\\d+)$', '/orders'] })
    await ok(call, 'POST', `/runtime-groups/development/services/${service}/routes`, { name: 'refunds', paths: ['/refunds'] })
    await ok(call, 'DELETE', '/runtime-groups/development/routes/health')
    const dry = await ok(call, 'POST', PROMOTE, { runtime_group: 'staging', dry_run: true })
    assert.deepEqual(dry.diff.create.map((i: any) => [i.kind, i.name]), [['route', 'refunds']])
    assert.deepEqual(dry.diff.update.map((i: any) => [i.kind, i.name]), [['route', 'orders']])
    assert.deepEqual(kinds(dry.diff.delete), ['plugin', 'route'])
    // The remembered override of a route that is gone applies to nothing; a new one for it is a 400.
    const stale = await call('POST', PROMOTE, { runtime_group: 'staging', overrides: { routes: { health: { hosts: ['x.example.com'] } } } })
    assert.equal(stale.status, 400, stale.text)
    assert.deepEqual(paths(stale.body), ['overrides.routes.health'])
    await ok(call, 'POST', PROMOTE, { runtime_group: 'staging' })
    const after = await serviceTree(call, 'staging', target)
    assert.equal(after.routes.find((x) => x.name === 'orders').id, ids.routes.find((x) => x.name === 'orders').id, 'an updated route keeps its id')
    assert.deepEqual(after.routes.map((x) => x.name).sort(), ['orders', 'refunds'])
    assert.deepEqual(after.plugins.map((p) => p.name), ['rate-limiting'])
    assert.equal(after.service.host, 'payments.staging.internal', 'remembered overrides still apply')

    // null removes a remembered override: the source's value comes back.
    await ok(call, 'POST', PROMOTE, { runtime_group: 'staging', overrides: { service: { host: null } } })
    assert.equal((await serviceTree(call, 'staging', target)).service.host, 'payments.dev.internal')
    // Overrides can be replaced without promoting.
    assert.deepEqual((await ok(call, 'PUT', '/service-packages/payments/versions/v2/overrides?runtime_group=staging', { overrides: { service: { port: 1234 } } })).overrides, { service: { port: 1234 } })
  })

  test('a promotion whose result would be invalid in the target group is refused whole, naming why', async (t) => {
    const call = await startAdmin(t, store)
    await setup(call)
    // production already has a route named orders, on another service: route names are unique per group.
    const other = await ok(call, 'POST', '/runtime-groups/production/services', { name: 'legacy', host: 'legacy.internal' })
    await ok(call, 'POST', `/runtime-groups/production/services/${other.id as string}/routes`, { name: 'orders', paths: ['/legacy-orders'] })
    const before = await versionOf(call, 'production')
    const r = await call('POST', PROMOTE, { runtime_group: 'production' })
    assert.equal(r.status, 400, r.text)
    assert.equal(r.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
    assert.match(r.body.message, /runtime group "production" invalid/)
    assert.ok(paths(r.body).length > 0)
    assert.equal(await versionOf(call, 'production'), before)
    assert.equal((await call('GET', '/service-packages/payments/versions/v2?runtime_group=production')).status, 404, 'no version row either')
    const dry = await call('POST', PROMOTE, { runtime_group: 'production', dry_run: true })
    assert.equal(dry.status, 400, 'the dry run refuses it alike')

    // A plugin override that breaks the plugin's schema.
    const bad = await call('POST', PROMOTE, { runtime_group: 'staging', overrides: { plugins: { 'rate-limiting': { config: { minute: -1 } } } } })
    assert.equal(bad.status, 400, bad.text)
    assert.equal((await call('GET', '/service-packages/payments/versions/v2?runtime_group=staging')).status, 404)
  })

  test('refusals: the version\'s own group, no implementation, unknown fields and override keys, a missing upstream', async (t) => {
    const call = await startAdmin(t, store)
    const { service } = await setup(call)
    const same = await call('POST', PROMOTE, { runtime_group: 'development' })
    assert.equal(same.status, 400)
    assert.deepEqual(paths(same.body), ['runtime_group'])
    const missing = await call('POST', PROMOTE, {})
    assert.equal(missing.status, 400)
    const unknownGroup = await call('POST', PROMOTE, { runtime_group: 'qa' })
    assert.equal(unknownGroup.status, 400)
    const extra = await call('POST', PROMOTE, { runtime_group: 'staging', force: true, overrides: { routes: { orders: { id: 'x' } }, upstreams: {} } })
    assert.equal(extra.status, 400)
    assert.deepEqual(paths(extra.body), ['force', 'overrides.routes.orders.id', 'overrides.upstreams'])
    const noPlugin = await call('POST', PROMOTE, { runtime_group: 'staging', overrides: { plugins: { cors: { config: {} }, 'health/response-transformer': { enabled: false } } } })
    assert.equal(noPlugin.status, 400)
    assert.deepEqual(paths(noPlugin.body), ['overrides.plugins.cors'], 'a route plugin is keyed route/plugin')

    await ok(call, 'POST', '/service-packages/payments/versions', { version: 'v3', runtime_group: 'development' })
    const empty = await call('POST', '/service-packages/payments/versions/v3/promote', { runtime_group: 'staging' })
    assert.equal(empty.status, 409)

    // The service's host is an upstream of development that staging lacks.
    await ok(call, 'POST', '/runtime-groups/development/upstreams', { name: 'payments-up' })
    await ok(call, 'PATCH', `/runtime-groups/development/services/${service}`, { host: 'payments-up', port: 80, path: null })
    const noUpstream = await call('POST', PROMOTE, { runtime_group: 'staging' })
    assert.equal(noUpstream.status, 400, noUpstream.text)
    assert.deepEqual(paths(noUpstream.body), ['overrides.service'])
    assert.equal((await call('POST', PROMOTE, { runtime_group: 'staging', overrides: { service: { host: 'payments.staging.internal' } } })).status, 201)
  })

  test('one version name in several runtime groups is addressed by name plus ?runtime_group=, and is ambiguous without it', async (t) => {
    const call = await startAdmin(t, store)
    await setup(call)
    await ok(call, 'POST', PROMOTE, { runtime_group: 'staging' })
    await ok(call, 'POST', '/service-packages/payments/versions/v2/promote?runtime_group=staging', { runtime_group: 'production' })
    const list = (await ok(call, 'GET', '/service-packages/payments/versions')).data
    assert.deepEqual(list.map((v: any) => [v.version, v.runtime_group.name]), [['v2', 'development'], ['v2', 'production'], ['v2', 'staging']])
    for (const g of ['development', 'staging', 'production']) {
      const v = await call('GET', `/service-packages/payments/versions/v2?runtime_group=${g}`)
      assert.equal(v.status, 200)
      assert.equal(v.body.runtime_group.name, g)
      assert.notEqual(v.body.implementation, null)
    }
    // The catalog list's summary: one version, three environments, and the last hour's traffic.
    const [summary] = (await ok(call, 'GET', '/service-packages?summary=true')).data
    assert.deepEqual(summary.versions, [{
      version: 'v2',
      environments: ['development', 'production', 'staging'].map((name) => ({ runtime_group: { id: list.find((v: any) => v.runtime_group.name === name).runtime_group.id, name }, status: 'published', implemented: true }))
    }])
    assert.equal(summary.analytics.requests, 0)
    assert.equal(summary.analytics.window_seconds, 3600)
    assert.equal((await ok(call, 'GET', '/service-packages')).data[0].versions, undefined, 'only on request')
    assert.equal((await call('GET', '/service-packages?summary=yes')).status, 400)
    const ambiguous = await call('GET', '/service-packages/payments/versions/v2')
    assert.equal(ambiguous.status, 409)
    assert.match(ambiguous.body.message, /runtime_group=/)
    assert.equal((await call('PATCH', '/service-packages/payments/versions/v2?runtime_group=production', { status: 'deprecated' })).body.status, 'deprecated')
    assert.equal((await call('GET', '/service-packages/payments/versions/v2?runtime_group=staging')).body.status, 'published')
  })
})
