import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BUNDLED_PLUGIN_HANDLERS } from '../../../src/plugins/handlers.js'
import { NODE_PLUGINS } from '../../../src/data-plane/node-plugins.js'
import type { AnyPluginHandler } from '../../../src/plugins/types.js'
import { startFakeControlPlane } from '../../support/fake-control-plane.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'
import { isAckFor, isApplyErrorFor, isHello, startTestNode, stopOnExit, tempDir } from '../sync-client/helpers.js'

function docWith (port: number, message: string): Record<string, unknown> {
  return {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${port}`, routes: [{ name: 'r', paths: ['/r'] }, { name: 'open', paths: ['/open'] }] }],
    plugins: [{ name: 'request-termination', route: 'r', config: { status_code: 418, message } }, { name: 'correlation-id', config: { echo_downstream: true } }]
  }
}

test('a node announces its plugins, applies a snapshot with plugins, and answers apply_error when a configure fails, keeping the old config', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const cp = stopOnExit(t, await startFakeControlPlane())
  const good = cp.publish(docWith(upstream.port, 'first'))
  const node = await startTestNode(t, cp, tempDir(t))
  const hello = (await cp.waitFor(isHello())).message
  assert.deepEqual(hello.plugins, NODE_PLUGINS) // every bundled plugin, pinned in test/unit/plugins/registry.test.ts
  await cp.waitFor(isAckFor(good.hash))
  const first = await node.get('/r/x')
  assert.deepEqual([first.status, JSON.parse(first.body).message], [418, 'first'])
  assert.match(String(first.headers['kong-request-id']), /#\d+$/)

  const failing: AnyPluginHandler = { ...BUNDLED_PLUGIN_HANDLERS.get('request-termination') as AnyPluginHandler, configure () { throw new Error('no') } }
  node.dp.state.pluginHandlers = new Map([...BUNDLED_PLUGIN_HANDLERS, ['request-termination', failing]])
  const bad = cp.publish(docWith(upstream.port, 'second'))
  const error = (await cp.waitFor(isApplyErrorFor(bad.hash))).message
  assert.match(error.message, /plugin "request-termination" on route "r" rejected its configuration: no/)
  const still = await node.get('/r/x')
  assert.deepEqual([still.status, JSON.parse(still.body).message], [418, 'first'])
  assert.equal((await node.status()).config.hash, good.hash)
  assert.equal((await node.get('/open/x')).status, 200)
})
