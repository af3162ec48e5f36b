import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BUNDLED_PLUGIN_HANDLERS } from '../../../src/plugins/handlers.js'
import { BUNDLED_PLUGIN_NAMES, PLUGIN_SPECS, pluginSpec } from '../../../src/plugins/schemas.js'
import { NODE_PLUGINS } from '../../../src/data-plane/node-plugins.js'

// Execution order is by priority, higher first, and priorities are unique. This table pins every
// bundled plugin's priority (Kong's value where Kong has the plugin): adding a plugin or changing
// a priority means changing this table, on purpose.
const PRIORITIES: Record<string, number> = {
  'http-log': 12,
  'file-log': 9,
  'proxy-cache': 100,
  'request-transformer': 801,
  'correlation-id': 100001,
  'cors': 2000,
  'jwt': 1450,
  'key-auth': 1250,
  'basic-auth': 1100,
  'ip-restriction': 990,
  'request-size-limiting': 951,
  'acl': 950,
  'rate-limiting': 910,
  'response-transformer': 800,
  'request-termination': 2,
  'prometheus': 13
}

test('every bundled plugin has its pinned priority, and no two share one', () => {
  assert.deepEqual(Object.fromEntries(PLUGIN_SPECS.map((s) => [s.name, s.priority])), PRIORITIES)
  const priorities = PLUGIN_SPECS.map((s) => s.priority)
  assert.equal(new Set(priorities).size, priorities.length)
  for (const p of priorities) assert.ok(Number.isInteger(p) && p >= 0, `${p} is a non-negative integer`)
})

test('the execution order of the bundled plugins is their priority order', () => {
  const order = [...BUNDLED_PLUGIN_HANDLERS.values()].sort((a, b) => b.priority - a.priority).map((h) => h.name)
  assert.deepEqual(order, Object.entries(PRIORITIES).sort((a, b) => b[1] - a[1]).map(([name]) => name))
})

test('handlers and schemas name the same plugins with the same version and priority', () => {
  assert.deepEqual([...BUNDLED_PLUGIN_HANDLERS.keys()].sort(), [...BUNDLED_PLUGIN_NAMES])
  for (const handler of BUNDLED_PLUGIN_HANDLERS.values()) {
    const spec = pluginSpec(handler.name)
    assert.ok(spec !== undefined, handler.name)
    assert.deepEqual([handler.version, handler.priority], [spec.version, spec.priority], handler.name)
    assert.match(handler.version, /^\d+\.\d+\.\d+$/)
  }
})

test('a node announces every bundled plugin with its version in hello', () => {
  assert.deepEqual(NODE_PLUGINS, [{ name: 'acl', version: '1.0.0' }, { name: 'basic-auth', version: '1.0.0' }, { name: 'correlation-id', version: '1.0.0' }, { name: 'cors', version: '1.0.0' }, { name: 'file-log', version: '1.0.0' }, { name: 'http-log', version: '1.0.0' }, { name: 'ip-restriction', version: '1.0.0' }, { name: 'jwt', version: '1.0.0' }, { name: 'key-auth', version: '1.0.0' }, { name: 'prometheus', version: '1.0.0' }, { name: 'proxy-cache', version: '1.0.0' }, { name: 'rate-limiting', version: '1.0.0' }, { name: 'request-size-limiting', version: '1.0.0' }, { name: 'request-termination', version: '1.0.0' }, { name: 'request-transformer', version: '1.0.0' }, { name: 'response-transformer', version: '1.0.0' }])
})

test('every schema describes each field and forbids unknown ones', () => {
  for (const spec of PLUGIN_SPECS) {
    assert.equal(spec.schema.additionalProperties, false, spec.name)
    for (const [field, schema] of Object.entries(spec.schema.properties)) {
      assert.equal(typeof (schema as { description?: unknown }).description, 'string', `${spec.name}.${field} has a description`)
    }
  }
})
