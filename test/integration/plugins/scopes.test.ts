import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { BUNDLED_PLUGIN_HANDLERS } from '../../../src/plugins/handlers.js'
import { BUNDLED_PLUGIN_NAMES } from '../../../src/plugins/schemas.js'
import type { AnyPluginHandler } from '../../../src/plugins/types.js'
import { httpCall } from '../../support/http-client.js'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'

// Scopes and their precedence through a real data-plane node (file mode), with the bundled
// request-termination plugin: each instance answers its own message, so the answer names the
// instance that applied.

function stop (message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'request-termination', config: { status_code: 418, message }, ...extra }
}

async function documentFor (t: TestContext): Promise<Record<string, unknown>> {
  const upstream = await startUpstream(t, echoHandler)
  const url = `http://127.0.0.1:${upstream.port}`
  return {
    _format_version: '3.0',
    services: [
      { name: 'a', url, routes: [{ name: 'a1', paths: ['/a1'] }, { name: 'a2', paths: ['/a2'], plugins: [stop('route a2 (nested)')] }] },
      { name: 'b', url, routes: [{ name: 'b1', paths: ['/b1'] }, { name: 'b2', paths: ['/b2'] }] },
      { name: 'c', url, routes: [{ name: 'c1', paths: ['/c1'] }] }
    ],
    plugins: [
      stop('global'),
      stop('service a', { service: 'a' }),
      stop('route+service b1', { route: 'b1', service: 'b' }),
      stop('route a1 with service b: never', { route: 'a1', service: 'b' }),
      stop('route b2 disabled', { route: 'b2', enabled: false }),
      stop('route c1, https only', { route: 'c1', protocols: ['https'] })
    ]
  }
}

async function answer (node: Awaited<ReturnType<typeof startPluginNode>>, path: string): Promise<string> {
  const res = await node.get(path)
  return res.status === 418 ? JSON.parse(res.body).message as string : `${res.status}`
}

test('the most specific instance applies: route+service > route > service > global (disabled and https-only ones ignored on http)', async (t) => {
  const node = await startPluginNode(t, await documentFor(t))
  assert.equal(await answer(node, '/a1/x'), 'service a', 'a route+service instance for another service never applies')
  assert.equal(await answer(node, '/a2/x'), 'route a2 (nested)')
  assert.equal(await answer(node, '/b1/x'), 'route+service b1')
  assert.equal(await answer(node, '/b2/x'), 'global')
  assert.equal(await answer(node, '/c1/x'), 'global')
  const status = JSON.parse((await httpCall(`http://127.0.0.1:${node.dp.statusAddress.port}/status`)).body)
  assert.equal(status.plugins, 6, 'the enabled instances (the disabled one is left out)')
})

test('a reload swaps the plugins in at once; a plugin whose configure fails keeps the old config serving', async (t) => {
  const doc = await documentFor(t)
  const node = await startPluginNode(t, doc)
  assert.equal(await answer(node, '/b2/x'), 'global')
  // The disabled instance on b2 is replaced (one instance per name and scope, enabled or not).
  const plugins = (doc.plugins as Array<Record<string, unknown>>).filter((p) => p.route !== 'b2')
  const changed = { ...doc, plugins: [...plugins, stop('route b2 now', { route: 'b2' })] }
  const reloaded = await node.reload(changed)
  assert.equal(reloaded.ok, true, JSON.stringify(reloaded.errors))
  assert.equal(await answer(node, '/b2/x'), 'route b2 now')
  const hashBefore = node.dp.state.current?.hash

  // The node now compiles with a request-termination whose configure fails (as a plugin may on
  // input its schema cannot judge): the next config is refused whole.
  const failing: AnyPluginHandler = { ...BUNDLED_PLUGIN_HANDLERS.get('request-termination') as AnyPluginHandler, configure () { throw new Error('cannot prepare the response') } }
  node.dp.state.pluginHandlers = new Map([...BUNDLED_PLUGIN_HANDLERS, ['request-termination', failing]])
  const outcome = await node.reload({ ...changed, plugins: [stop('everything off')] })
  assert.equal(outcome.ok, false)
  assert.match(outcome.errors[0].message, /plugin "request-termination" global rejected its configuration: cannot prepare the response/)
  assert.equal(node.dp.state.current?.hash, hashBefore)
  assert.equal(await answer(node, '/b2/x'), 'route b2 now')
  assert.ok(node.logs.some((l) => l.level === 50 && l.msg === 'config reload failed to compile; the previous config keeps serving'))
})

test('an invalid plugin config in a reloaded file is rejected by path; the old config keeps serving', async (t) => {
  const doc = await documentFor(t)
  const node = await startPluginNode(t, doc)
  const outcome = await node.reload({ ...doc, plugins: [{ name: 'request-termination', config: { status_code: 1000 } }, { name: 'teleport' }] })
  assert.equal(outcome.ok, false)
  assert.deepEqual(outcome.errors, [
    { path: 'plugins[0].config.status_code', message: 'must be between 100 and 599' },
    { path: 'plugins[1].name', message: `unknown plugin "teleport" (Atrium bundles: ${BUNDLED_PLUGIN_NAMES.join(', ')})` }
  ])
  assert.equal(await answer(node, '/a1/x'), 'service a')
})
