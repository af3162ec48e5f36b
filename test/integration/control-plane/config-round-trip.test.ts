import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse as parseYaml } from 'yaml'
import { describeStores } from '../../support/stores.js'
import { startAdmin, versionOf } from './gateway-kit.js'
import { BUNDLED_PLUGIN_NAMES } from '../../../src/plugins/schemas.js'

const FILE = {
  _format_version: '3.0',
  services: [
    { name: 'orders', url: 'http://orders.internal:8080/v1', routes: [{ name: 'orders-api', paths: ['/orders', '~/orders/(?<id>\\d+)$'] }, { paths: ['/unnamed'], methods: ['GET'] }] },
    { name: 'users', host: 'users.internal', retries: 2 }
  ],
  routes: [{ name: 'users-api', paths: ['/users'], service: 'users' }],
  consumers: [{ username: 'alice' }],
  plugins: [
    { name: 'correlation-id', service: 'orders' },
    { name: 'request-termination', route: 'orders-api', consumer: 'alice', config: { status_code: 403 } }
  ]
}

describeStores((store) => {
  test('PUT /config imports a declarative file into services, routes, plugins and consumers with one version bump', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const put = await call('PUT', '/runtime-groups/prod/config', FILE)
    assert.equal(put.status, 200, put.text)
    assert.deepEqual(put.body, { config_version: 1, created: 8, updated: 0, deleted: 0, detached_versions: [], warnings: [] })
    assert.equal(await versionOf(call, 'prod'), 1)
    const orders = (await call('GET', '/runtime-groups/prod/services/orders')).body
    assert.deepEqual([orders.host, orders.port, orders.path], ['orders.internal', 8080, '/v1'])
    assert.deepEqual((await call('GET', '/runtime-groups/prod/services/orders/routes')).body.data.length, 2)
    const plugins = (await call('GET', '/runtime-groups/prod/plugins')).body.data
    const route = (await call('GET', '/runtime-groups/prod/routes/orders-api')).body
    const alice = (await call('GET', '/runtime-groups/prod/consumers/alice')).body
    assert.deepEqual(plugins.map((p: any) => [p.name, p.service, p.route, p.consumer]), [
      ['correlation-id', { id: orders.id }, undefined, undefined],
      ['request-termination', undefined, { id: route.id }, { id: alice.id }]
    ])
  })

  test('PUT /config with a target of an unknown upstream is refused whole, naming the field, and nothing changes', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const put = await call('PUT', '/runtime-groups/prod/config', { ...FILE, upstreams: [{ name: 'orders.up', targets: [{ target: '10.0.0.1' }] }], targets: [{ target: '10.0.0.2', upstream: 'elsewhere' }] })
    assert.equal(put.status, 400, put.text)
    assert.equal(put.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
    assert.deepEqual(Object.keys(put.body.fields), ['targets[0].upstream'])
    assert.equal(await versionOf(call, 'prod'), 0)
    assert.equal((await call('GET', '/runtime-groups/prod/upstreams')).body.data.length, 0)
  })

  test('GET /config exports JSON or YAML by Accept, and PUT of the export gives the same config without a change', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    await call('PUT', '/runtime-groups/prod/config', FILE)
    const json = await call('GET', '/runtime-groups/prod/config')
    assert.equal(json.status, 200)
    assert.match(String(json.headers['content-type']), /application\/json/)
    assert.equal(json.body._format_version, '3.0')
    assert.equal(json.body.services[0].routes.length, 2)
    assert.equal(typeof json.body.services[0].id, 'string')
    const yaml = await call('GET', '/runtime-groups/prod/config', undefined, { accept: 'application/yaml' })
    assert.match(String(yaml.headers['content-type']), /application\/yaml/)
    assert.deepEqual(parseYaml(yaml.text), json.body)
    const again = await call('PUT', '/runtime-groups/prod/config', yaml.text, { 'content-type': 'application/yaml' })
    assert.deepEqual(again.body, { config_version: 1, created: 0, updated: 0, deleted: 0, detached_versions: [], warnings: [] })
    assert.deepEqual((await call('GET', '/runtime-groups/prod/config')).body, json.body)
    assert.equal((await call('GET', '/runtime-groups/prod/config', undefined, { accept: 'application/json, text/yaml;q=0.5' })).body._format_version, '3.0')
  })

  test('PUT /config generates a key-auth key, a JWT key and secret left out (as Kong) and stores them: the export re-applies without a change', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const put = await call('PUT', '/runtime-groups/prod/config', { _format_version: '3.0', consumers: [{ username: 'alice', keyauth_credentials: [{}], jwt_secrets: [{}] }] })
    assert.equal(put.status, 200, put.text)
    const exported = (await call('GET', '/runtime-groups/prod/config')).body
    const alice = exported.consumers[0]
    assert.match(alice.keyauth_credentials[0].key_hash, /^[0-9a-f]{64}$/)
    assert.match(alice.jwt_secrets[0].key, /^[A-Za-z0-9]{32}$/)
    assert.match(alice.jwt_secrets[0].secret, /^[A-Za-z0-9]{32}$/)
    const again = await call('PUT', '/runtime-groups/prod/config', exported)
    assert.deepEqual(again.body, { config_version: 1, created: 0, updated: 0, deleted: 0, detached_versions: [], warnings: [] })
  })

  test('PUT /config of a Kong export (_transform: false) stores a basic-auth password as Kong\'s digest, not as a password', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const id = '6f1c1a6e-2b1d-4c3e-9f4a-5b6c7d8e9f00'
    const put = await call('PUT', '/runtime-groups/prod/config', { _format_version: '3.0', _transform: false, consumers: [{ id, username: 'alice', basicauth_credentials: [{ username: 'alice', password: 'ab'.repeat(20) }] }] })
    assert.equal(put.status, 200, put.text)
    const exported = (await call('GET', '/runtime-groups/prod/config')).body
    assert.equal(exported.consumers[0].basicauth_credentials[0].password_hash, `$kong-sha1$${id}$${'ab'.repeat(20)}`)
    const bad = await call('PUT', '/runtime-groups/prod/config', { _format_version: '3.0', _transform: false, consumers: [{ id, username: 'alice', basicauth_credentials: [{ username: 'alice', password: 'plain' }] }] })
    assert.equal(bad.status, 400)
  })

  test('decK select_tags scope PUT /config and the diff: entities without the tags are kept, the file\'s get the tags', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    await call('PUT', '/runtime-groups/prod/config', { _format_version: '3.0', services: [{ name: 'other-team', host: 'o.internal' }, { name: 'old', host: 'x.internal', tags: ['team-a'] }] })
    const file = { _format_version: '3.0', _info: { select_tags: ['team-a'] }, _konnect: { control_plane_name: 'prod' }, services: [{ name: 'orders', host: 'orders.internal' }] }
    const diff = await call('POST', '/runtime-groups/prod/config/diff', file)
    assert.deepEqual([diff.body.create.map((d: any) => d.name), diff.body.delete.map((d: any) => d.name)], [['orders'], ['old']])
    const put = await call('PUT', '/runtime-groups/prod/config', file)
    assert.equal(put.status, 200, put.text)
    const services = (await call('GET', '/runtime-groups/prod/config')).body.services
    assert.deepEqual(services.map((s: any) => [s.name, s.tags ?? []]).sort(), [['orders', ['team-a']], ['other-team', []]])
  })

  test('GET /config?select_tags= exports only the entities carrying every tag, with _info.select_tags, as decK dump --select-tag', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const put = await call('PUT', '/runtime-groups/prod/config', {
      _format_version: '3.0',
      services: [
        { name: 'a-svc', host: 'a.internal', tags: ['team-a', 'core'], routes: [{ name: 'a-route', paths: ['/a'], tags: ['team-a'] }, { name: 'a-untagged', paths: ['/a2'] }] },
        { name: 'b-svc', host: 'b.internal', tags: ['team-b'], routes: [{ name: 'b-route', paths: ['/b'], tags: ['team-b'] }, { name: 'stray', paths: ['/s'], tags: ['team-a'] }] }
      ],
      routes: [{ name: 'a-alone', paths: ['/alone'], tags: ['team-a'] }],
      consumers: [
        { username: 'alice', tags: ['team-a'], acls: [{ group: 'a-admins', tags: ['team-a'] }, { group: 'untagged' }] },
        { username: 'bob', tags: ['team-b'] }
      ],
      plugins: [
        { name: 'correlation-id', service: 'a-svc', tags: ['team-a'] },
        { name: 'correlation-id', service: 'b-svc', tags: ['team-a'] },
        { name: 'request-termination', consumer: 'alice', tags: ['team-a', 'core'] },
        { name: 'correlation-id', tags: ['team-b'] }
      ]
    })
    assert.equal(put.status, 200, put.text)
    const full = (await call('GET', '/runtime-groups/prod/config')).body
    const ids = (list: any[]): Record<string, string> => Object.fromEntries(list.map((e: any) => [e.name ?? e.username, e.id]))
    const services = ids(full.services)

    const a = await call('GET', '/runtime-groups/prod/config?select_tags=team-a')
    assert.equal(a.status, 200, a.text)
    assert.deepEqual(Object.keys(a.body).slice(0, 2), ['_format_version', '_info'])
    assert.deepEqual(a.body._info, { select_tags: ['team-a'] })
    // A route is selected by its own tags; one whose service is not selected is left out (decK does too).
    assert.deepEqual(a.body.services.map((s: any) => [s.name, s.routes.map((r: any) => r.name)]), [['a-svc', ['a-route']]])
    assert.deepEqual(a.body.routes.map((r: any) => r.name), ['a-alone'])
    assert.deepEqual(a.body.consumers.map((c: any) => [c.username, c.acls.map((g: any) => g.group)]), [['alice', ['a-admins']]])
    assert.deepEqual(a.body.plugins.map((p: any) => [p.name, p.service?.id, p.consumer?.id]), [
      ['correlation-id', services['a-svc'], undefined],
      ['request-termination', undefined, ids(full.consumers).alice]
    ])

    const both = await call('GET', '/runtime-groups/prod/config?select_tags=team-a,core', undefined, { accept: 'application/yaml' })
    assert.equal(both.status, 200, both.text)
    assert.match(both.text, /^_format_version: "?3\.0"?\n_info:\n {2}select_tags:\n {4}- team-a\n {4}- core\n/)
    const repeated = (await call('GET', '/runtime-groups/prod/config?select_tags=team-a&select_tags=core')).body
    assert.deepEqual(repeated, parseYaml(both.text))
    // request-termination has both tags, but its consumer alice lacks core: left out with her.
    assert.deepEqual([repeated.services.map((s: any) => [s.name, s.routes]), repeated.plugins, repeated.consumers], [[['a-svc', []]], undefined, undefined])
    assert.deepEqual((await call('GET', '/runtime-groups/prod/config?select_tags=nobody')).body, { _format_version: '3.0', _info: { select_tags: ['nobody'] }, services: [] })
    assert.deepEqual((await call('GET', '/runtime-groups/prod/config')).body, full)
  })

  test('GET /config?select_tags= with an empty tag or one with "/" answers 400 naming the tag', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const message = 'must be a non-empty tag of printable characters other than "," and "/"'
    for (const [query, field] of [['select_tags=team-a,,x', 'select_tags[1]'], ['select_tags=a/b', 'select_tags[0]'], ['select_tags=ok&select_tags=', 'select_tags[1]']]) {
      const bad = await call('GET', `/runtime-groups/prod/config?${query}`)
      assert.equal(bad.status, 400, query)
      assert.equal(bad.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
      assert.deepEqual(bad.body.fields, { [field]: message }, query)
      assert.equal(bad.body.message, `${field}: ${message}`)
    }
  })

  test('re-applying a file without ids keeps the ids of entities matched by name', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    await call('PUT', '/runtime-groups/prod/config', FILE)
    const before = (await call('GET', '/runtime-groups/prod/config')).body
    const changed = structuredClone(FILE)
    changed.services[1].retries = 3
    const put = await call('PUT', '/runtime-groups/prod/config', changed)
    assert.deepEqual(put.body, { config_version: 2, created: 0, updated: 1, deleted: 0, detached_versions: [], warnings: [] })
    const after = (await call('GET', '/runtime-groups/prod/config')).body
    assert.deepEqual(after.services.map((s: any) => s.id), before.services.map((s: any) => s.id))
    assert.deepEqual(after.plugins.map((p: any) => p.id), before.plugins.map((p: any) => p.id))
    assert.equal(after.services[1].retries, 3)
  })

  test('an invalid PUT /config answers 400 with every error by path and changes nothing', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    await call('PUT', '/runtime-groups/prod/config', FILE)
    const before = (await call('GET', '/runtime-groups/prod/config')).text
    const bad = await call('PUT', '/runtime-groups/prod/config', {
      _format_version: '3.0',
      services: [{ name: 'a', host: 'a.internal', port: 0, routes: [{ paths: ['~/(?=x)'] }] }],
      plugins: [{ name: 'teleport' }]
    })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
    assert.deepEqual(bad.body.fields, {
      'plugins[0].name': `unknown plugin "teleport" (Atrium bundles: ${BUNDLED_PLUGIN_NAMES.join(', ')})`,
      'services[0].port': 'must be between 1 and 65535',
      'services[0].routes[0].paths[0]': 'invalid regex: invalid perl operator: (?='
    })
    const yamlError = await call('PUT', '/runtime-groups/prod/config', 'services: [', { 'content-type': 'application/yaml' })
    assert.equal(yamlError.status, 400)
    assert.equal((await call('PUT', '/runtime-groups/prod/config', 'x', { 'content-type': 'text/plain' })).status, 415)
    assert.equal((await call('GET', '/runtime-groups/prod/config')).text, before)
    assert.equal(await versionOf(call, 'prod'), 1)
  })

  test('POST /config/diff lists what a PUT would create, update and delete, and changes nothing', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    await call('PUT', '/runtime-groups/prod/config', FILE)
    const users = (await call('GET', '/runtime-groups/prod/services/users')).body
    const next = structuredClone(FILE) as any
    next.services[0].retries = 1
    next.services.splice(1, 1)
    next.routes = []
    next.services.push({ name: 'billing', host: 'billing.internal' })
    const diff = await call('POST', '/runtime-groups/prod/config/diff', next)
    assert.equal(diff.status, 200)
    assert.deepEqual(diff.body.create.map((i: any) => [i.kind, i.name]), [['service', 'billing']])
    assert.deepEqual(diff.body.update.map((i: any) => [i.kind, i.name]), [['service', 'orders']])
    assert.deepEqual(diff.body.delete.map((i: any) => [i.kind, i.name]).sort(), [['route', 'users-api'], ['service', 'users']])
    assert.equal(diff.body.delete.find((i: any) => i.name === 'users').id, users.id)
    assert.equal(await versionOf(call, 'prod'), 1)
    assert.equal((await call('GET', '/runtime-groups/prod/services/users')).status, 200)
    const same = await call('POST', '/runtime-groups/prod/config/diff', FILE)
    assert.deepEqual(same.body, { create: [], update: [], delete: [], catalog: [], warnings: [] })
  })

  test('the same file with ids can be applied to two runtime groups', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    await call('POST', '/runtime-groups', { name: 'staging' })
    await call('PUT', '/runtime-groups/prod/config', FILE)
    const exported = (await call('GET', '/runtime-groups/prod/config')).body
    const put = await call('PUT', '/runtime-groups/staging/config', exported)
    assert.equal(put.status, 200, put.text)
    assert.deepEqual((await call('GET', '/runtime-groups/staging/config')).body, exported)
  })
})
