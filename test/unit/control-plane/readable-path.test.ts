import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readablePath } from '../../../src/control-plane/portal/readable-path.js'

// The Dev Portal's regex route paths as path templates: what becomes a template, and what has none
// (shown as the pattern instead).

test('regex route paths become path templates', () => {
  const cases: Array<[string, string]> = [
    ['~/pets/(?<id>\\d+)$', '/pets/{id}'],
    ['~^/pets/(?<pet_id>[0-9]+)/toys/(?<toy>[^/]+)$', '/pets/{pet_id}/toys/{toy}'],
    ['~/pets/(\\d+)/toys/(\\w+)', '/pets/{param1}/toys/{param2}'],
    ['~/pets/(?P<id>[a-z](?:[a-z0-9-]*))/?$', '/pets/{id}'],
    ['~/v1\\.0/files/.*', '/v1.0/files/*'],
    ['~/a\\-b/(?<x>[()\\]]+)', '/a-b/{x}'],
    ['~/plain', '/plain'],
    // A group is a parameter whatever it allows.
    ['~/(cats|dogs)/search', '/{param1}/search']
  ]
  for (const [pattern, readable] of cases) assert.equal(readablePath(pattern), readable, pattern)
})

test('patterns with no honest template answer null', () => {
  for (const pattern of ['~/(cats|dogs)+/search', '~/pets/(?<id>\\d+)?', '~/pets/(\\d+)+', '~/pets/\\d+', '~/pets/[0-9]+', '~/p.ts',
    '~/pets/(?:a|b)', '~/pets/(unclosed', '~pets', '~/a|/b', '~/x\\']) {
    assert.equal(readablePath(pattern), null, pattern)
  }
})
