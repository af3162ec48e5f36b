import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeDocument, normalizeValidatedDocument } from '../../../src/contract/index.js'

// The loader shares unchanged entity objects with its input instead of copying them (and nodes keep
// the document they received as the base of the next delta), so it must never modify its input.

function documentWithNulls (): Record<string, unknown> {
  return {
    _format_version: '3.0',
    services: [
      { name: 'a', host: 'a.internal', port: null, path: null, routes: [{ name: 'ra', paths: ['/a'], hosts: null, plugins: [{ name: 'correlation-id', config: null }] }] },
      { name: 'b', host: 'b.internal', routes: [{ name: 'rb', paths: ['/b'] }] }
    ],
    routes: [{ name: 'top', paths: ['/top'], service: { name: 'b' }, methods: null }],
    consumers: [{ username: 'alice', custom_id: null }],
    plugins: [{ name: 'request-termination', route: 'top', config: { status_code: 403, message: null } }]
  }
}

test('loading a document never changes it, nulls and nested plugins included', () => {
  const doc = documentWithNulls()
  const before = structuredClone(doc)
  const loaded = loadDeclarativeDocument(doc)
  assert.ok(loaded.ok, JSON.stringify(loaded))
  assert.deepEqual(doc, before)
  normalizeValidatedDocument(doc)
  assert.deepEqual(doc, before)
  assert.equal(loaded.config.services[0].port, 80, 'null means unset: the default applies')
})

test('the same document loads to the same hash every time (nothing cached from a previous load leaks)', () => {
  const doc = documentWithNulls()
  const first = loadDeclarativeDocument(doc)
  const second = loadDeclarativeDocument(doc)
  assert.ok(first.ok && second.ok)
  assert.equal(first.hash, second.hash)
  assert.equal(first.hash, normalizeValidatedDocument(doc).hash)
})
