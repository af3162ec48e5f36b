import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setImmediate as tick } from 'node:timers/promises'
import { loadDeclarativeConfig } from '../../../src/contract/index.js'

// Found by the Admin API fuzz test: a YAML key that is a collection (`? [a, b]`) made yaml emit a
// process warning per request, so any client could write to the control plane's stderr.

test('a YAML mapping key that is a collection is an unknown field, and no process warning is emitted', async () => {
  const warnings: Error[] = []
  const listener = (w: Error): void => { warnings.push(w) }
  process.on('warning', listener)
  try {
    const result = loadDeclarativeConfig('? [complex, key]\n: value\n_format_version: "3.0"\n')
    assert.equal(result.ok, false)
    if (!result.ok) assert.deepEqual(result.errors, [{ path: '["[ complex, key ]"]', message: 'unknown field' }])
    await tick()
    assert.deepEqual(warnings.map((w) => w.message), [])
  } finally {
    process.off('warning', listener)
  }
})
