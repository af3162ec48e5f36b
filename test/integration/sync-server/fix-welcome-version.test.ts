import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startKit, groupWithToken, connectNode } from './sync-kit.js'

// Regression (found by test/integration/hybrid): a node reconnecting with the current hash gets no
// snapshot, so the welcome must say which version that hash is current at; a config changed and
// changed back meanwhile has a newer version under the same hash.

describeStores((store) => {
  test('the welcome of a node that has the current hash names the version it is current at, and no snapshot follows', async (t) => {
    const { call, syncUrl } = await startKit(t, store)
    const { token } = await groupWithToken(call, 'prod')
    await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'orders.internal' })
    const first = await connectNode(t, syncUrl, token)
    first.hello({ node_id: 'a' })
    assert.equal((await first.next()).value.config, undefined, 'a node without the hash is not told a version in the welcome')
    const snap = await first.nextSnapshot()
    first.ws.terminate()

    assert.equal((await call('POST', '/runtime-groups/prod/routes', { name: 'tmp', paths: ['/tmp'], service: { name: 'orders' } })).status, 201)
    assert.equal((await call('DELETE', '/runtime-groups/prod/routes/tmp')).status, 204)
    const version = (await call('GET', '/runtime-groups/prod')).body.config_version as number
    assert.equal(version, snap.value.version + 2)

    const again = await connectNode(t, syncUrl, token)
    again.hello({ node_id: 'a', config_hash: snap.value.hash })
    const welcome = (await again.next()).value
    assert.deepEqual([welcome.type, welcome.sync_status, welcome.config], ['welcome', 'in_sync', { version, hash: snap.value.hash }])
    await assert.rejects(again.next(400), /no message within/, 'no snapshot is sent')
  })
})
