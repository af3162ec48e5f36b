import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { httpCall } from '../../support/http-client.js'
import { describeStores } from '../../support/stores.js'
import { connectNode, groupWithToken, startKit } from './sync-kit.js'

describeStores((store) => {
  test('issues a random atdp_ token once, lists tokens without secrets, and revokes by id', async (t) => {
    const { call } = await startKit(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const a = await call('POST', '/runtime-groups/prod/data-plane-tokens', { name: 'edge' })
    assert.equal(a.status, 201, a.text)
    assert.match(a.body.token, /^atdp_[A-Za-z0-9_-]{43,}$/)
    assert.deepEqual(Object.keys(a.body).sort(), ['created_at', 'description', 'id', 'last_used_at', 'name', 'runtime_group', 'token'])
    assert.equal(a.body.runtime_group.name, 'prod')
    const b = await call('POST', '/runtime-groups/prod/data-plane-tokens')
    assert.equal(b.status, 201, b.text)
    assert.notEqual(a.body.token, b.body.token)
    const list = await call('GET', '/runtime-groups/prod/data-plane-tokens')
    assert.equal(list.status, 200)
    assert.deepEqual(list.body.data.map((x: any) => x.id).sort(), [a.body.id, b.body.id].sort())
    assert.ok(!list.text.includes(a.body.token) && !list.text.includes('token_hash'))
    assert.ok(!list.text.includes(createHash('sha256').update(a.body.token).digest('hex')))
    assert.equal((await call('DELETE', `/runtime-groups/prod/data-plane-tokens/${a.body.id as string}`)).status, 204)
    assert.equal((await call('DELETE', `/runtime-groups/prod/data-plane-tokens/${a.body.id as string}`)).status, 404)
    assert.deepEqual((await call('GET', '/runtime-groups/prod/data-plane-tokens')).body.data.map((x: any) => x.id), [b.body.id])
  })
})

test('accepts an empty POST body without Content-Type and rejects unknown fields and other media types', async (t) => {
  const { call, cp } = await startKit(t, 'sqlite')
  await call('POST', '/runtime-groups', { name: 'prod' })
  const bare = await httpCall(`http://127.0.0.1:${cp.adminAddress.port}/runtime-groups/prod/data-plane-tokens`, { method: 'POST' })
  assert.equal(bare.status, 201, bare.body)
  const bad = await call('POST', '/runtime-groups/prod/data-plane-tokens', { name: 5, colour: 'red' })
  assert.equal(bad.status, 400)
  assert.deepEqual(Object.keys(bad.body.fields).sort(), ['colour', 'name'])
  const yaml = await httpCall(`http://127.0.0.1:${cp.adminAddress.port}/runtime-groups/prod/data-plane-tokens`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })
  assert.equal(yaml.status, 415)
  assert.equal((await call('POST', '/runtime-groups/nope/data-plane-tokens', {})).status, 404)
})

test('refuses the upgrade with 401 without a token, with an unknown token and with a revoked one', async (t) => {
  const { call, syncUrl } = await startKit(t, 'sqlite')
  const { token, tokenId } = await groupWithToken(call, 'prod')
  await assert.rejects(connectNode(t, syncUrl, null), /HTTP 401/)
  await assert.rejects(connectNode(t, syncUrl, 'atdp_not-a-real-token'), /HTTP 401/)
  await assert.rejects(connectNode(t, syncUrl.replace('/v1/sync', '/v2/sync'), token), /HTTP 404/)
  const ok = await connectNode(t, syncUrl, token)
  ok.ws.close()
  await call('DELETE', `/runtime-groups/prod/data-plane-tokens/${tokenId}`)
  await assert.rejects(connectNode(t, syncUrl, token), /HTTP 401/)
})

test('records when a token was last used', async (t) => {
  const { call, syncUrl } = await startKit(t, 'sqlite')
  const { token } = await groupWithToken(call, 'prod')
  assert.equal((await call('GET', '/runtime-groups/prod/data-plane-tokens')).body.data[0].last_used_at, null)
  const node = await connectNode(t, syncUrl, token)
  node.ws.close()
  await node.closed
  assert.equal(typeof (await call('GET', '/runtime-groups/prod/data-plane-tokens')).body.data[0].last_used_at, 'number')
})
