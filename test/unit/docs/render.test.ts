import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Type } from '@sinclair/typebox'
import { definePluginSpec } from '../../../src/plugins/spec.js'
import { StringEnum } from '../../../src/plugins/schema-types.js'
import { cell, codeCell } from '../../../scripts/docs/markdown.js'
import { pluginFields, renderPluginFields } from '../../../scripts/docs/plugin-fields.js'
import { errorDocComments, errorEntries, renderErrorReference, renderProxyErrors } from '../../../scripts/docs/error-table.js'

const sample = definePluginSpec({
  name: 'sample',
  version: '1.2.3',
  priority: 4242,
  description: 'A sample.',
  schema: Type.Object({
    url: Type.String({ pattern: '^https?://', description: 'Where to.' }),
    mode: StringEnum(['a', 'b'] as const, { default: 'a', description: 'Mode | with a pipe.' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'At most <ten>.' })),
    names: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, uniqueItems: true, default: ['x'], description: 'Names.' }),
    either: Type.Union([Type.Literal(1), Type.Literal(-1)], { default: 1, description: 'One or minus one.' }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String({ pattern: '^a|b$' }), { description: 'A map.' })),
    redis: Type.Object({
      host: Type.String({ description: 'Host.' }),
      port: Type.Integer({ minimum: 1, maximum: 65535, default: 6379, description: 'Port.' })
    }, { default: {}, description: 'Redis.' })
  }, { additionalProperties: false })
})

test('plugin fields are flattened with dotted names, types, defaults, bounds and required', () => {
  const fields = Object.fromEntries(pluginFields(sample).map((f) => [f.name, f]))
  assert.deepEqual(Object.keys(fields), ['url', 'mode', 'limit', 'names', 'either', 'headers', 'redis', 'redis.host', 'redis.port'])
  assert.deepEqual(fields.url, { name: 'url', type: 'string', default: undefined, bounds: ['pattern `^https?://`'], required: true, description: 'Where to.' })
  assert.deepEqual([fields.mode.default, fields.mode.bounds, fields.mode.required], ['"a"', ['one of `"a"`, `"b"`'], false])
  assert.deepEqual([fields.limit.type, fields.limit.bounds, fields.limit.required], ['integer', ['1–10'], false])
  assert.deepEqual([fields.names.type, fields.names.bounds], ['array of string', ['≥ 1 items', 'unique items', 'each: length 1–64']])
  assert.deepEqual([fields.either.type, fields.either.bounds], ['integer', ['one of `1`, `-1`']])
  assert.deepEqual([fields.headers.type, fields.headers.bounds], ['map of string → string', ['each value: pattern `^a\\|b$`']])
  assert.deepEqual([fields.redis.type, fields.redis.default], ['object', '{}'])
  assert.deepEqual([fields['redis.host'].required, fields['redis.port'].bounds, fields['redis.port'].default], [true, ['1–65535'], '6379'])
})

test('the rendered field table escapes prose and names the plugin\'s identity', () => {
  const md = renderPluginFields(sample)
  assert.match(md, /Version `1\.2\.3`, priority `4242`/)
  assert.match(md, /GET \/schemas\/plugins\/sample/)
  assert.match(md, /\| `mode` \| string \| `"a"` \| one of `"a"`, `"b"` \|  \| Mode \\\| with a pipe\. \|/)
  assert.match(md, /At most &lt;ten>\./)
  assert.match(md, /\| `redis\.port` \| integer \| `6379` \| 1–65535 \|/)
  // One header row, one separator row, one row per field.
  assert.equal(md.split('\n').filter((l) => l.startsWith('|')).length, 2 + 9)
})

test('code spans hold backticks and pipes; prose cells keep their code spans', () => {
  assert.equal(codeCell('a`b'), '`` a`b ``')
  assert.equal(codeCell('x|y'), '`x\\|y`')
  assert.equal(cell('use `a|b` or *c* <d>'), 'use `a\\|b` or \\*c\\* &lt;d>')
})

const SOURCE = `
export const ErrorCodes = {
  /** Said once. */
  ATRIUM_ERR_PROXY_ONE: { status: 502, message: 'one' },
  // a line comment is not a doc comment
  ATRIUM_ERR_ADMIN_TWO: { status: 400, message: 'two' },
  /**
   * Over
   * two lines.
   */
  ATRIUM_ERR_NEW_AREA_THREE: { status: 500, message: 'three' }
} as const satisfies Record<string, { status: number, message: string }>
`

test('error doc comments are read from the source; codes without one get none', () => {
  const docs = errorDocComments(SOURCE)
  assert.deepEqual([...docs], [['ATRIUM_ERR_PROXY_ONE', 'Said once.'], ['ATRIUM_ERR_ADMIN_TWO', ''], ['ATRIUM_ERR_NEW_AREA_THREE', 'Over two lines.']])
})

test('the error reference groups codes by area, unknown areas last', () => {
  const entries = errorEntries({ ATRIUM_ERR_PROXY_ONE: { status: 502, message: 'one' }, ATRIUM_ERR_ADMIN_TWO: { status: 400, message: 'two' }, ATRIUM_ERR_NEW_AREA_THREE: { status: 500, message: 'three' } }, errorDocComments(SOURCE))
  const md = renderErrorReference(entries)
  const headings = md.split('\n').filter((l) => l.startsWith('### '))
  assert.deepEqual(headings, ['### Proxy (request path)', '### Admin API', '### NEW'])
  assert.match(md, /\| `ATRIUM_ERR_PROXY_ONE` \| 502 \| `one` \| Said once\. \|/)
  const proxy = renderProxyErrors(entries)
  assert.match(proxy, /ATRIUM_ERR_PROXY_ONE/)
  assert.doesNotMatch(proxy, /ATRIUM_ERR_ADMIN_TWO/)
})
