import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ScopeTable } from '../../../../src/data-plane/plugin-runner/precedence.js'

// Kong 3.x (kong/runloop/plugins_iterator.lua lookup_cfg): route+service+consumer, route+consumer,
// service+consumer, route+service, consumer, route, service, global.
const LEVELS: Array<[string, { route: number | null, service: number | null, consumer: number | null }]> = [
  ['route+service+consumer', { route: 1, service: 2, consumer: 3 }],
  ['route+consumer', { route: 1, service: null, consumer: 3 }],
  ['service+consumer', { route: null, service: 2, consumer: 3 }],
  ['route+service', { route: 1, service: 2, consumer: null }],
  ['consumer', { route: null, service: null, consumer: 3 }],
  ['route', { route: 1, service: null, consumer: null }],
  ['service', { route: null, service: 2, consumer: null }],
  ['global', { route: null, service: null, consumer: null }]
]

test('the most specific instance wins, in Kong 3.x order, level by level', () => {
  for (let drop = 0; drop < LEVELS.length; drop++) {
    const table = new ScopeTable<string>()
    for (const [name, scope] of LEVELS.slice(drop)) table.add(scope, name)
    assert.equal(table.resolve(1, 2, 3), LEVELS[drop][0], `with levels from ${LEVELS[drop][0]} on`)
  }
})

test('without a consumer, consumer-scoped instances never apply', () => {
  const table = new ScopeTable<string>()
  for (const [name, scope] of LEVELS) table.add(scope, name)
  assert.equal(table.resolve(1, 2, null), 'route+service')
  const noRouteService = new ScopeTable<string>()
  for (const [name, scope] of LEVELS.filter(([n]) => n !== 'route+service')) noRouteService.add(scope, name)
  assert.equal(noRouteService.resolve(1, 2, null), 'route')
})

test('an instance scoped to another route, service or consumer never applies', () => {
  const table = new ScopeTable<string>()
  table.add({ route: 9, service: null, consumer: null }, 'other route')
  table.add({ route: null, service: 9, consumer: null }, 'other service')
  table.add({ route: null, service: null, consumer: 9 }, 'other consumer')
  table.add({ route: 1, service: 9, consumer: null }, 'route with another service')
  assert.equal(table.resolve(1, 2, 3), null)
  table.add({ route: null, service: null, consumer: null }, 'global')
  assert.equal(table.resolve(1, 2, 3), 'global')
})
