import { test } from 'node:test'
import assert from 'node:assert/strict'
import { prng } from '../../support/prng.js'
import { describeStores } from '../../support/stores.js'
import { startAdmin as startCatalog, type Call } from './gateway-kit.js'

// Random JSON bodies at every catalog write endpoint: only 2xx or 4xx, and a rejected write leaves
// the catalog and the runtime group's services exactly as they were. Seeded, so a failure replays.

const KEYS = ['id', 'name', 'slug', 'description', 'labels', 'version', 'runtime_group', 'status', 'service', 'host', 'port', 'url', 'protocol', 'path', 'team', '', '__proto__']
const STRINGS = ['', 'v1', 'prod', 'payments', 'published', 'deprecated', 'a b', 'A-Z', 'x'.repeat(300), '\u0000', 'ünï', '%_\\', '3f2504e0-4f89-41d3-9a0c-0305e82c3301', 'http://a.internal', '-x-', 'team:payments']

function randomValue (r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 2 ? 5 : 8))
  if (k === 0) return null
  if (k === 1) return r() < 0.5
  if (k === 2) return [0, -1, 1.5, 65536, 1e300][Math.floor(r() * 5)]
  if (k <= 4) return STRINGS[Math.floor(r() * STRINGS.length)]
  if (k === 5) return Array.from({ length: Math.floor(r() * 3) }, () => randomValue(r, depth + 1))
  return randomObject(r, depth + 1)
}

function randomObject (r: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const n = Math.floor(r() * 5)
  for (let i = 0; i < n; i++) out[KEYS[Math.floor(r() * KEYS.length)]] = randomValue(r, depth)
  return out
}

async function snapshot (call: Call): Promise<unknown> {
  const packages = (await call('GET', '/service-packages?size=1000')).body.data
  const versions = []
  for (const p of packages) versions.push((await call('GET', `/service-packages/${p.id as string}/versions?size=1000`)).body.data)
  const services = (await call('GET', '/runtime-groups/production/services?size=1000')).body.data
  const group = (await call('GET', '/runtime-groups/production')).body
  return { packages, versions, services, config_version: group.config_version }
}

describeStores((store) => {
  test('random bodies at every catalog write endpoint answer 2xx or 4xx and rejections change nothing', async (t) => {
    const call = await startCatalog(t, store)
    await call('POST', '/runtime-groups', { name: 'production' })
    await call('POST', '/service-packages', { name: 'payments' })
    await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'production' })
    const endpoints: Array<[string, string]> = [
      ['POST', '/service-packages'],
      ['PATCH', '/service-packages/payments'],
      ['PUT', '/service-packages/payments'],
      ['POST', '/service-packages/payments/versions'],
      ['PATCH', '/service-packages/payments/versions/v1'],
      ['PUT', '/service-packages/payments/versions/v1/implementation']
    ]
    const r = prng(store.kind === 'sqlite' ? 1 : 2)
    let rejected = 0
    for (let i = 0; i < 240; i++) {
      const [method, path] = endpoints[i % endpoints.length]
      const body = r() < 0.1 ? randomValue(r, 0) : randomObject(r, 0)
      const before = await snapshot(call)
      const reply = await call(method, path, body)
      assert.ok(reply.status < 500, `${method} ${path} ${JSON.stringify(body)} → ${reply.status} ${JSON.stringify(reply.body)}`)
      if (reply.status >= 400) {
        rejected++
        assert.equal(typeof reply.body.code, 'string')
        assert.deepEqual(await snapshot(call), before, `${method} ${path} ${JSON.stringify(body)} was rejected but changed the store`)
      }
      // Keep the addressed package and version in place so later bodies hit the same endpoints.
      if ((await call('GET', '/service-packages/payments')).status === 404) await call('POST', '/service-packages', { name: 'payments' })
      if ((await call('GET', '/service-packages/payments/versions/v1')).status !== 200) {
        for (const v of (await call('GET', '/service-packages/payments/versions?size=1000')).body.data) await call('DELETE', `/service-packages/payments/versions/${v.id as string}`)
        await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'production' })
      }
    }
    assert.ok(rejected > 100, `most random bodies are invalid (${rejected} rejected)`)
  })
})
