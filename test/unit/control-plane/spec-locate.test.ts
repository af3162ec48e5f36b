import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatSpecPath, jsonLinePaths, jsonSyntaxErrorOffset, sourcePosition } from '../../../src/control-plane/catalog/spec-locate.js'
import { prng, type Rng } from '../../support/prng.js'

// The pieces that turn a validator's complaint into a place in the upload.

function randomValue (rng: Rng, depth: number): unknown {
  const r = rng()
  if (depth > 3 || r < 0.3) return [1, 'a"b', null, true, -2.5e3, '', 'é\n'][Math.floor(rng() * 7)]
  if (r < 0.6) return Array.from({ length: Math.floor(rng() * 4) }, () => randomValue(rng, depth + 1))
  const out: Record<string, unknown> = {}
  for (let i = Math.floor(rng() * 4); i > 0; i--) out[['a', '200', '/x', 'b c', '1'][Math.floor(rng() * 5)]] = randomValue(rng, depth + 1)
  return out
}

test('jsonLinePaths gives one path per line of JSON.stringify(value, null, 2), and each line shows that path', () => {
  const rng = prng(7)
  for (let i = 0; i < 300; i++) {
    const value = randomValue(rng, 0)
    const lines = JSON.stringify(value, null, 2).split('\n')
    const paths = jsonLinePaths(value)
    assert.equal(paths.length, lines.length, JSON.stringify(value))
    paths.forEach((path, n) => {
      const key = path[path.length - 1]
      if (typeof key === 'string' && !/^\s*[}\]]/.test(lines[n])) assert.ok(lines[n].trimStart().startsWith(JSON.stringify(key) + ':'), `line ${n + 1} of ${JSON.stringify(value)}`)
    })
  }
})

test('jsonSyntaxErrorOffset agrees with JSON.parse on valid and broken texts', () => {
  const rng = prng(11)
  const alphabet = ['{', '}', '[', ']', ',', ':', '"a"', '1', '-0.5', 'true', 'null', ' ', '\n', '"x\\"', '01', 'tru', '"\\u00e9"']
  for (let i = 0; i < 3000; i++) {
    const text = i % 3 === 0
      ? JSON.stringify(randomValue(rng, 0), null, i % 2 === 0 ? 2 : undefined)
      : Array.from({ length: 1 + Math.floor(rng() * 8) }, () => alphabet[Math.floor(rng() * alphabet.length)]).join('')
    let valid = true
    try { JSON.parse(text) } catch { valid = false }
    const offset = jsonSyntaxErrorOffset(text)
    assert.equal(offset === null, valid, JSON.stringify(text))
  }
  assert.equal(jsonSyntaxErrorOffset('{\n  "a": }'), 9)
  assert.equal(jsonSyntaxErrorOffset('[1, 2,]'), 6)
  assert.equal(jsonSyntaxErrorOffset('{"a": 1} x'), 9)
})

test('formatSpecPath writes identifiers with dots, other keys quoted and indices in brackets', () => {
  assert.equal(formatSpecPath([]), '')
  assert.equal(formatSpecPath(['paths', '/pets/{id}', 'get', 'parameters', 0, 'in']), 'paths["/pets/{id}"].get.parameters[0].in')
  assert.equal(formatSpecPath(['responses', '200', '$ref']), 'responses["200"].$ref')
})

test('sourcePosition finds keys and items in YAML and JSON, and stops at the last node that exists', () => {
  const yaml = 'a:\n  b:\n    - x\n    - y: 1\n  200: ok\n'
  assert.deepEqual(sourcePosition(yaml, ['a', 'b', 1, 'y']), { line: 4, column: 7 })
  assert.deepEqual(sourcePosition(yaml, ['a', '200']), { line: 5, column: 3 })
  assert.deepEqual(sourcePosition(yaml, ['a', 'b', 5]), { line: 2, column: 3 })
  assert.deepEqual(sourcePosition('{\n  "a": {"b": [1, {"c": 2}]}\n}', ['a', 'b', 1, 'c']), { line: 2, column: 19 })
})
