import { test } from 'node:test'
import assert from 'node:assert/strict'
import { selfSigned } from '../../support/tls-cert.js'
import { startAdmin } from './gateway-kit.js'

// The control plane does not store certificates yet: a document with them is refused whole (400
// naming the field), never applied without them; what the group had stays.

test('PUT /config with certificates or SNIs is refused naming them; the group keeps its config', async (t) => {
  const call = await startAdmin(t, 'sqlite')
  assert.equal((await call('POST', '/runtime-groups', { name: 'prod' })).status, 201)
  assert.equal((await call('PUT', '/runtime-groups/prod/config', { _format_version: '3.0', services: [{ name: 'kept', host: 'a.internal' }] })).status, 200)
  const pair = selfSigned(['api.example.test'])
  const refused = await call('PUT', '/runtime-groups/prod/config', {
    _format_version: '3.0',
    certificates: [{ id: '6a0b8c4e-1f3a-4f7e-9d7c-2d1b1c0a9e21', cert: pair.cert, key: pair.key }],
    snis: [{ name: 'api.example.test', certificate: { id: '6a0b8c4e-1f3a-4f7e-9d7c-2d1b1c0a9e21' } }]
  })
  assert.equal(refused.status, 400, refused.text)
  assert.deepEqual(Object.keys(refused.body.fields), ['certificates', 'snis'])
  assert.doesNotMatch(refused.text, /PRIVATE KEY/, 'the key is not echoed')
  const kept = await call('GET', '/runtime-groups/prod/config')
  assert.deepEqual(kept.body.services.map((s: { name: string }) => s.name), ['kept'])
})
