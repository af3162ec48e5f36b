import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeConfig } from '../../../src/contract/index.js'

function load (doc: unknown): ReturnType<typeof loadDeclarativeConfig> {
  return loadDeclarativeConfig(JSON.stringify(doc), { filename: 'kong.json' })
}

test('decK select_tags are added to every entity, nested ones and credentials included, without duplicates', () => {
  const result = load({
    _format_version: '3.0',
    _info: { select_tags: ['team-a', 'env prod'] },
    _konnect: { control_plane_name: 'default' },
    services: [{ name: 's', host: 'a', tags: ['team-a', 'own'], routes: [{ paths: ['/'], plugins: [{ name: 'cors' }] }] }],
    routes: [{ paths: ['/t'], service: 's' }],
    consumers: [{ username: 'u', keyauth_credentials: [{ key: 'k' }], acls: [{ group: 'g' }] }],
    plugins: [{ name: 'correlation-id' }]
  })
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  const { services, routes, consumers, plugins } = result.config
  assert.deepEqual(services[0].tags, ['team-a', 'own', 'env prod'])
  for (const r of routes) assert.deepEqual(r.tags, ['team-a', 'env prod'])
  assert.deepEqual(consumers?.[0].tags, ['team-a', 'env prod'])
  assert.deepEqual(consumers?.[0].credentials.keyauth_credentials?.[0].tags, ['team-a', 'env prod'])
  assert.deepEqual(consumers?.[0].credentials.acls?.[0].tags, ['team-a', 'env prod'])
  assert.equal(plugins?.length, 2)
  for (const p of plugins ?? []) assert.deepEqual(p.tags, ['team-a', 'env prod'])
})

test('decK defaults fill the fields a service or route leaves out; given fields and a url win', () => {
  const result = load({
    _format_version: '3.0',
    _info: { defaults: { service: { port: 8080, protocol: 'https', retries: 1, read_timeout: 1000 }, route: { strip_path: false, preserve_host: true } } },
    services: [
      { name: 'a', host: 'a.internal', retries: 3, routes: [{ paths: ['/a'], strip_path: true }] },
      { name: 'b', url: 'http://b.internal' }
    ],
    routes: [{ paths: ['/t'], service: 'b' }]
  })
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  const [a, b] = result.config.services
  assert.deepEqual([a.protocol, a.port, a.retries, a.read_timeout], ['https', 8080, 3, 1000])
  assert.deepEqual([b.protocol, b.port, b.retries], ['http', 80, 1])
  assert.deepEqual(result.config.routes.map((r) => [r.strip_path, r.preserve_host]), [[true, true], [false, true]])
})

test('bad _info and _konnect are errors by path, unknown default fields too', () => {
  const result = load({
    _format_version: '3.0',
    _info: { select_tags: ['a,b'], defaults: { service: { colour: 'red' }, upstream: { slots: 100, colour: 'red' }, plugin: {} }, default_lookup_tags: {} },
    _konnect: { control_plane: 'x' },
    services: [{ host: 'a' }]
  })
  assert.equal(result.ok, false)
  assert.deepEqual(!result.ok && result.errors.map((e) => e.path), [
    '_info.default_lookup_tags', '_info.defaults.plugin', '_info.defaults.service.colour', '_info.defaults.upstream.colour', '_info.select_tags[0]', '_konnect.control_plane'
  ])
})
