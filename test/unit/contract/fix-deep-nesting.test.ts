import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeConfig, loadDeclarativeDocument } from '../../../src/contract/index.js'

// Found by the Admin API fuzz test: a YAML body of 5000 `[` made yaml's composer recurse until the
// stack overflowed inside V8's regexp compiler, which aborts the process (the control plane died);
// JSON nested as deep reached recursive checks the same way. Depth is now bounded before either.

function errorsOf (result: ReturnType<typeof loadDeclarativeConfig>): Array<{ path: string, message: string }> {
  if (result.ok) assert.fail('expected errors, the config was accepted')
  return result.errors
}

function inDeepStack<T> (frames: number, fn: () => T): T {
  return frames === 0 ? fn() : inDeepStack(frames - 1, fn)
}

test('YAML nested 100 000 levels deep is an error, not a crash, even from a deep call stack', () => {
  for (const text of ['['.repeat(100_000), '['.repeat(100_000) + ']'.repeat(100_000), '- '.repeat(100_000) + 'x', `_format_version: "3.0"\n_comment: ${'{a: '.repeat(50_000)}`]) {
    const errors = inDeepStack(2000, () => errorsOf(loadDeclarativeConfig(text)))
    assert.match(errors[0].message, /nests deeper than 64 levels|invalid YAML/)
  }
})

test('JSON nested deeper than 64 levels is an error on the path of the deep field', () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
  assert.deepEqual(errorsOf(loadDeclarativeConfig(`{"_format_version":"3.0","services":[{"name":"a","host":"h","client_certificate":${deep}}]}`)),
    [{ path: 'services[0].client_certificate[0][0][0][0][0]', message: 'nests deeper than 64 levels' }])
  const doc = JSON.parse(`{"_format_version":"3.0","_comment":${deep}}`) as object
  assert.equal(errorsOf(loadDeclarativeDocument(doc))[0].message, 'nests deeper than 64 levels')
})

test('a document nested 60 levels deep in a loose field still loads', () => {
  const nested = `${'['.repeat(60)}${']'.repeat(60)}`
  assert.equal(loadDeclarativeConfig(`{"_format_version":"3.0","_comment":${nested}}`).ok, true)
  assert.equal(loadDeclarativeConfig(`_format_version: "3.0"\n_comment: ${nested}\n`).ok, true)
})
