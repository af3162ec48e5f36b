import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startAdmin, versionOf, type Call } from './gateway-kit.js'

// Regression (fuzz seed 3817951941, request #2460): PUT /runtime-groups/:rg/config reads its body
// as text (it may be YAML), so the NUL check every JSON endpoint gets from readJsonBody never ran.
// A NUL in any string of the document reached the insert: PostgreSQL TEXT refused it and the
// request answered 500 ATRIUM_ERR_ADMIN_INTERNAL (SQLite stored it). Both stores now answer 400
// naming the field, for JSON and YAML, on PUT and on the diff, and nothing is written.

const SVC_ID = '5b1d0a52-3c1e-4f6a-9d2b-7e8f9a0b1c2d'
const BASE = {
  _format_version: '3.0',
  services: [{ id: SVC_ID, name: 'svc', url: 'http://up.internal:8080/api', routes: [{ name: 'rt', paths: ['/a'] }] }],
  consumers: [{ username: 'alice', custom_id: 'a-1' }],
  plugins: [{ name: 'correlation-id', service: 'svc', config: {} }]
}

// The failing fuzz body, as the client sent it: the consumer's username is the escape \u0000.
const FUZZ_BODY = '{"_format_version":"3.0","services":[{"id":"5b1d0a52-3c1e-4f6a-9d2b-7e8f9a0b1c2d","name":"svc","url":"http://up.internal:8080/api","routes":[{"id":"6c2e1b63-4d2f-4a7b-8e3c-8f9a0b1c2d3e","name":"rt","paths":["/a"]}]},{"name":"s2460","host":"h.internal","routes":[{"paths":["~/items/\\\\d+$"],"methods":["GET"]}]}],"consumers":[{"id":"7d3f2c74-5e3a-4b8c-9f4d-9a0b1c2d3e4f","username":"\\u0000","custom_id":"a-1"}],"plugins":[{"id":"8e4a3d85-6f4b-4c9d-8a5e-0b1c2d3e4f5a","name":"correlation-id","service":"svc","config":{}}]}'

const YAML_BODY = [
  '_format_version: "3.0"',
  'services:',
  '  - name: "s\\0vc"',
  '    url: http://up.internal:8080/api',
  'plugins:',
  '  - name: correlation-id',
  '    config:',
  '      "k\\0ey": 1',
  ''
].join('\n')

async function snapshot (call: Call): Promise<string> {
  const config = await call('GET', '/runtime-groups/fz/config')
  return `${await versionOf(call, 'fz')}\n${config.text}`
}

function assertNulRejected (reply: { status: number, body: any, text: string }, paths: string[]): void {
  assert.equal(reply.status, 400, reply.text)
  assert.equal(reply.body.code, 'ATRIUM_ERR_ADMIN_INVALID', reply.text)
  assert.deepEqual(Object.keys(reply.body.fields).sort(), [...paths].sort(), reply.text)
  for (const path of paths) assert.match(reply.body.fields[path], /NUL/)
}

describeStores((store) => {
  test('a declarative config holding NUL answers 400 naming the field (JSON and YAML, PUT and diff) and writes nothing', async (t) => {
    const call = await startAdmin(t, store)
    assert.equal((await call('PUT', '/runtime-groups/fz', { name: 'fz' })).status, 201)
    const seeded = await call('PUT', '/runtime-groups/fz/config', BASE)
    assert.equal(seeded.status, 200, seeded.text)
    const before = await snapshot(call)

    assert.ok(FUZZ_BODY.includes('"username":"\\u0000"'))
    assertNulRejected(await call('PUT', '/runtime-groups/fz/config', FUZZ_BODY), ['consumers[0].username'])
    assertNulRejected(await call('POST', '/runtime-groups/fz/config/diff', FUZZ_BODY), ['consumers[0].username'])
    assertNulRejected(await call('PUT', '/runtime-groups/fz/config', YAML_BODY, { 'content-type': 'application/yaml' }), ['services[0].name', 'plugins[0].config.k\\u0000ey'])
    assert.equal(await snapshot(call), before, 'a rejected config changes nothing')

    // The same body without the NUL is valid and is accepted.
    const ok = await call('PUT', '/runtime-groups/fz/config', FUZZ_BODY.replace('"username":"\\u0000"', '"username":"bob"'))
    assert.equal(ok.status, 200, ok.text)
    assert.equal((await call('GET', '/runtime-groups/fz/consumers/bob')).status, 200)
  })
})
