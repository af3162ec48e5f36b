import { test } from 'node:test'
import assert from 'node:assert/strict'
import { packagePluginIdOn, withPackagePlugins } from '../../../src/control-plane/catalog/package-plugin-expansion.js'
import type { PackagePlugin } from '../../../src/control-plane/catalog/package-plugin-store.js'

// How package-wide plugins join a group's snapshot document: one plugin per implementation service
// present in the document, derived ids, a service's own plugin of that name (even disabled) wins,
// plugins scoped to a route or consumer of the service do not, and revisions follow the content.

const S1 = '11111111-1111-4111-8111-111111111111'
const S2 = '22222222-2222-4222-8222-222222222222'
const GONE = '33333333-3333-4333-8333-333333333333'

function plugin (id: string, name: string, config: Record<string, unknown> = {}): PackagePlugin {
  return { id, service_package_id: 'p', body: { name, config, enabled: true, protocols: ['http', 'https'] }, created_at: 1, updated_at: 1 }
}

const doc = (plugins: unknown[] = []): Record<string, unknown> => ({ _format_version: '3.0', services: [{ id: S1, name: 'a', routes: [] }, { id: S2, name: 'b', routes: [] }], plugins })

test('each package plugin lands on each implementation service present, with a stable derived id', () => {
  const cors = plugin('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'cors')
  const { doc: out, revisions } = withPackagePlugins(doc(), [{ plugin: cors, serviceId: S1 }, { plugin: cors, serviceId: S2 }, { plugin: cors, serviceId: GONE }])
  const plugins = out.plugins as Array<Record<string, any>>
  assert.deepEqual(plugins.map((p) => [p.id, p.service.id, p.name]), [[packagePluginIdOn(cors.id, S1), S1, 'cors'], [packagePluginIdOn(cors.id, S2), S2, 'cors']])
  assert.notEqual(packagePluginIdOn(cors.id, S1), packagePluginIdOn(cors.id, S2))
  assert.equal(packagePluginIdOn(cors.id, S1), packagePluginIdOn(cors.id, S1), 'the same id every time')
  assert.match(packagePluginIdOn(cors.id, S1), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.deepEqual([...revisions.keys()].sort(), plugins.map((p) => p.id).sort())
  const changed = withPackagePlugins(doc(), [{ plugin: { ...cors, body: { ...cors.body, config: { max_age: 5 } } }, serviceId: S1 }])
  assert.notEqual(changed.revisions.get(packagePluginIdOn(cors.id, S1)), revisions.get(packagePluginIdOn(cors.id, S1)), 'a content change is a new revision')
})

test('a service\'s own plugin of that name wins, even disabled; one on its route or for a consumer does not', () => {
  const rt = plugin('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'response-transformer')
  const own = [
    { id: 'own-1', name: 'response-transformer', enabled: false, service: { id: S1 } },
    { id: 'own-2', name: 'response-transformer', service: { id: S2 }, route: { id: 'r' } },
    { id: 'own-3', name: 'response-transformer', service: { id: S2 }, consumer: { id: 'c' } }
  ]
  const { doc: out } = withPackagePlugins(doc(own), [{ plugin: rt, serviceId: S1 }, { plugin: rt, serviceId: S2 }])
  const added = (out.plugins as Array<Record<string, any>>).filter((p) => !String(p.id).startsWith('own-'))
  assert.deepEqual(added.map((p) => p.service.id), [S2])
})

test('no package plugins: the document is returned as it is', () => {
  const d = doc()
  assert.equal(withPackagePlugins(d, []).doc, d)
  assert.equal(withPackagePlugins(d, [{ plugin: plugin('cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'cors'), serviceId: GONE }]).doc, d)
})
