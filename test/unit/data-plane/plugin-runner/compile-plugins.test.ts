import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { compilePlugins } from '../../../../src/data-plane/plugin-runner/compile-plugins.js'
import { GatewayError } from '../../../../src/errors.js'
import type { AnyPluginHandler } from '../../../../src/plugins/types.js'
import { handlerSet, loadConfig, withExtraPlugin } from '../../../support/plugin-gateway.js'

const silent = pino({ level: 'silent' })

const DOC = {
  _format_version: '3.0',
  services: [
    { name: 'a', host: 'a.internal', routes: [{ name: 'a1', paths: ['/a1'] }, { name: 'a2', paths: ['/a2'] }] },
    { name: 'b', host: 'b.internal', routes: [{ name: 'b1', paths: ['/b1'] }] }
  ],
  consumers: [{ username: 'alice' }, { username: 'bob' }]
}

function names (chain: { base: readonly { name: string, config: { route: number | null } }[] } | null): string[] | null {
  return chain === null ? null : chain.base.map((i) => `${i.name}@${i.config.route ?? '-'}`)
}

test('a route no plugin applies to gets no chain (the proxy fast path); others get theirs in priority order', () => {
  const { config } = loadConfig({
    ...DOC,
    plugins: [
      { name: 'request-termination', route: 'a2' },
      { name: 'correlation-id', service: 'a' }
    ]
  })
  const compiled = compilePlugins(config, handlerSet(), silent)
  assert.deepEqual(compiled.http.map(names), [['correlation-id@-'], ['correlation-id@-', 'request-termination@1'], null])
  assert.equal(compiled.https, compiled.http, 'one set of chains when every plugin allows both protocols')
})

test('a config without plugins compiles to no chains at all', () => {
  const { config } = loadConfig(DOC)
  const compiled = compilePlugins(config, handlerSet(), silent)
  assert.deepEqual([compiled.http, compiled.https, compiled.instances], [[null, null, null], [null, null, null], []])
})

test('a plugin runs only for the protocols it lists', () => {
  const { config } = loadConfig({ ...DOC, plugins: [{ name: 'correlation-id', protocols: ['https'] }, { name: 'request-termination', protocols: ['http'], route: 'a1' }] })
  const compiled = compilePlugins(config, handlerSet(), silent)
  assert.deepEqual(compiled.http.map(names), [['request-termination@0'], null, null])
  assert.deepEqual(compiled.https.map(names), [['correlation-id@-'], ['correlation-id@-'], ['correlation-id@-']])
})

test('routes with the same instances share one chain array; consumer chains are resolved once and kept', () => {
  const { config } = loadConfig({
    ...DOC,
    plugins: [
      { name: 'correlation-id' },
      { name: 'request-termination', consumer: 'alice', config: { status_code: 403 } }
    ]
  })
  const compiled = compilePlugins(config, handlerSet(), silent)
  const [a1, a2] = compiled.http
  assert.ok(a1 !== null && a2 !== null)
  assert.equal(a1.base, a2.base)
  assert.deepEqual(a1.base.map((i) => i.name), ['correlation-id'])
  const alice = a1.forConsumer(0)
  assert.deepEqual(alice.map((i) => i.name), ['correlation-id', 'request-termination'])
  assert.equal(a1.forConsumer(0), alice, 'cached, not rebuilt')
  assert.equal(a1.forConsumer(1), a1.base, 'a consumer without scoped plugins runs the base chain')
  assert.equal(a1.forConsumer(null), a1.base)
})

test('configure runs once per instance with its config, the whole config and a memo shared per plugin', () => {
  const seen: unknown[] = []
  let builds = 0
  const probe: AnyPluginHandler = {
    name: 'probe',
    version: '1.0.0',
    priority: 5000,
    configure (config, ctx) {
      seen.push([config, ctx.index, ctx.plugin.route, ctx.gateway.consumers?.length])
      return { table: ctx.memo('table', () => ++builds), config }
    },
    log () {}
  }
  const { config } = loadConfig(DOC)
  const withProbes = withExtraPlugin(withExtraPlugin(config, { name: 'probe', config: { n: 1 } }), { name: 'probe', route: 1, config: { n: 2 } })
  const compiled = compilePlugins(withProbes, handlerSet(probe), silent)
  assert.deepEqual(seen, [[{ n: 1 }, 0, null, 2], [{ n: 2 }, 1, 1, 2]])
  assert.equal(builds, 1)
  assert.deepEqual(compiled.instances.map((i) => i.state), [{ table: 1, config: { n: 1 } }, { table: 1, config: { n: 2 } }])
  assert.deepEqual(compiled.http.map((c) => c?.base.map((i) => (i.state as { config: { n: number } }).config.n)), [[1], [2], [1]])
})

test('a plugin without a request phase is configured but in no chain: its routes keep the plugin-free path', () => {
  let configured = 0
  const switchOnly: AnyPluginHandler = { name: 'switch', version: '1.0.0', priority: 5001, configure (config) { configured++; return config } }
  const { config } = loadConfig(DOC)
  const compiled = compilePlugins(withExtraPlugin(config, { name: 'switch', config: {} }), handlerSet(switchOnly), silent)
  assert.equal(configured, 1)
  assert.deepEqual(compiled.instances.map((i) => i.name).filter((n) => n === 'switch'), ['switch'])
  const reference = compilePlugins(config, handlerSet(), silent)
  assert.deepEqual(compiled.http.map((c) => c?.base.map((i) => i.name) ?? null), reference.http.map((c) => c?.base.map((i) => i.name) ?? null))
})

test('a configure that throws rejects the config with ATRIUM_ERR_PLUGIN_CONFIGURE naming the plugin and its scope', () => {
  const broken: AnyPluginHandler = {
    name: 'broken',
    version: '1.0.0',
    priority: 5000,
    configure () { throw new Error('cannot compile pattern "("') }
  }
  const { config } = loadConfig(DOC)
  assert.throws(() => compilePlugins(withExtraPlugin(config, { name: 'broken', route: 2, id: 'a0000000-0000-4000-8000-000000000001' }), handlerSet(broken), silent), (err: unknown) => {
    assert.ok(err instanceof GatewayError)
    assert.equal(err.code, 'ATRIUM_ERR_PLUGIN_CONFIGURE')
    assert.equal(err.message, 'plugin "broken" (id a0000000-0000-4000-8000-000000000001) on route "b1" rejected its configuration: cannot compile pattern "("')
    assert.deepEqual(err.fields, [{ path: 'plugins[0].config', message: 'cannot compile pattern "("' }])
    return true
  })
  assert.throws(() => compilePlugins(withExtraPlugin(config, { name: 'missing' }), handlerSet(), silent), /plugin "missing" global: this node has no such plugin/)
})
