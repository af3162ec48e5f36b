import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from 'yaml'
import { parseConfigText } from '../../../src/contract/index.js'
import { toYamlText } from '../../../src/control-plane/gateway/config-yaml.js'
import { generateConfig } from '../../../bench/admin/generate-config.js'

// The hand-written YAML export reads back as the same data, through the `yaml` package and through
// the contract's parser (what PUT /config and `atrium config apply` use).

const TRICKY = [
  '', ' ', 'a b', ' lead', 'trail ', 'yes', 'No', 'ON', 'off', 'y', 'N', 'true', 'False', 'null', 'NULL', '~', '3.0', '1e5', '0x1F',
  '0o17', '.inf', '-.inf', '.nan', '1:20', '-', '- x', '? x', 'a: b', 'a #b', '#x', '&a', '*a', '!tag', '%x', '@x', '`x', '|', '>',
  "'q'", '"q"', '[x]', '{x}', 'a,b', 'line\nbreak', 'tab\tx', 'cr\rx', 'nul\u0000x', 'del\u007fx', 'c1\u0085\u0086\u009fx',
  'ls\u2028ps\u2029', 'bom\ufeff', 'é ü 中文 🎉', '~/svc/(?<id>\\d+)$', '/path/with/slash', '_format_version', 'x-api-version', 'back\\slash'
]

function roundTrips (doc: Record<string, unknown>): void {
  const text = toYamlText(doc)
  assert.deepEqual(parse(text, { version: '1.2' }), doc)
  assert.deepEqual(parse(text, { version: '1.1' }), doc, 'YAML 1.1 readers agree')
  const viaContract = parseConfigText(text, 'config.yaml')
  assert.ok(viaContract.ok)
  assert.deepEqual(viaContract.value, doc)
}

test('a generated 1k-service config reads back unchanged', () => {
  roundTrips(generateConfig({ services: 1000 }))
})

test('strings a YAML reader could take for something else are quoted and read back as strings', () => {
  const doc: Record<string, unknown> = { _format_version: '3.0', strings: TRICKY, keys: Object.fromEntries(TRICKY.map((s, i) => [s, i])) }
  roundTrips(doc)
})

test('empty lists and objects, nested lists, numbers, booleans and null keep their types', () => {
  roundTrips({
    services: [], plugins: [{ name: 'cors', config: {}, enabled: false, protocols: ['http'] }],
    nested: [[1, [2.5, -3]], [], {}, [{ a: null }]], n: 0, neg: -1.25, big: 1e21, t: true
  })
})
