import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeDocument } from '../../../src/contract/index.js'

// Kong 3.9's upstreams and targets in a declarative file: defaults, Kong's shorthands and
// entity_checks, target addresses, references and duplicates, each error at its field.

test('defaults and Kong\'s shorthands: hash_on other than none means consistent-hashing; least-connections and latency hash on nothing', () => {
  const r = loadDeclarativeDocument({
    _format_version: '3.0',
    upstreams: [
      { name: 'a.up' },
      { name: 'b.up', algorithm: 'round-robin', hash_on: 'ip' },
      { name: 'c.up', algorithm: 'consistent-hashing', hash_on: 'none' },
      { name: 'd.up', algorithm: 'least-connections', hash_on: 'ip' },
      { name: 'e.up', targets: [{ target: '[::1]' }, { target: 'Backend.Internal:81', weight: 0 }, { target: '::2' }] }
    ]
  })
  assert.equal(r.ok, true, JSON.stringify(!r.ok && r.errors))
  if (!r.ok) return
  const u = r.config.upstreams ?? []
  assert.deepEqual(u.map((x) => [x.algorithm, x.hash_on]), [['round-robin', 'none'], ['consistent-hashing', 'ip'], ['round-robin', 'none'], ['least-connections', 'none'], ['round-robin', 'none']])
  assert.deepEqual([u[0]!.slots, u[0]!.hash_on_cookie_path, u[0]!.healthchecks.active.healthy.http_statuses, u[0]!.healthchecks.passive.unhealthy.http_statuses, u[0]!.healthchecks.threshold], [10000, '/', [200, 302], [429, 500, 503], 0])
  assert.deepEqual(u[4]!.targets.map((t) => [t.target, t.host, t.port, t.weight]), [['[::1]:8000', '::1', 8000, 100], ['backend.internal:81', 'backend.internal', 81, 0], ['[::2]:8000', '::2', 8000, 100]])
})

test('bad names, hashing without its field, bad and duplicate targets and unresolved references are errors by path', () => {
  const r = loadDeclarativeDocument({
    _format_version: '3.0',
    upstreams: [
      { name: 'orders.up', targets: [{ target: '127.0.0.1:9001' }] },
      { name: 'Bad:80' },
      { name: '10.0.0.1' },
      { name: 'h.up', hash_on: 'header', hash_fallback: 'cookie' },
      { name: 'n.up', hash_fallback: 'ip' },
      { name: 'ip.up', hash_on: 'ip', hash_fallback: 'ip' },
      { name: 'orders.UP' },
      { name: 'slots.up', slots: 5, algorithm: 'fastest' }
    ],
    targets: [{ target: '127.0.0.1:9001', upstream: 'orders.up' }, { target: 'bad host', upstream: 'nope' }, { target: '10.0.0.1:99999', upstream: { name: 'orders.up' } }, { target: '10.0.0.2' }]
  })
  assert.equal(r.ok, false)
  assert.deepEqual(!r.ok && r.errors.map((e) => [e.path, e.message]), [
    ['targets[0].target', 'duplicate target "127.0.0.1:9001" in its upstream (also at upstreams[0].targets[0].target)'],
    ['targets[1].target', 'Invalid target (\'bad host\'); not a valid hostname or ip address'],
    ['targets[1].upstream', 'no upstream named "nope"'],
    ['targets[2].target', 'Invalid target (\'10.0.0.1:99999\'); not a valid hostname or ip address'],
    ['targets[3].upstream', 'required field missing'],
    ['upstreams[1].name', 'Invalid name (\'Bad:80\'); no port allowed'],
    ['upstreams[2].name', 'Invalid name (\'10.0.0.1\'); no ip addresses allowed'],
    ['upstreams[3].hash_on_cookie', 'required field missing'],
    ['upstreams[3].hash_on_header', 'required field missing'],
    ['upstreams[4].hash_fallback', 'expected one of: none'],
    ['upstreams[5].hash_fallback', 'expected one of: none, consumer, header, cookie, path, query_arg, uri_capture'],
    ['upstreams[6].name', 'duplicate upstream name "orders.UP" (also at upstreams[0].name)'],
    ['upstreams[7].algorithm', 'must be one of: round-robin, consistent-hashing, least-connections, latency'],
    ['upstreams[7].slots', 'must be between 10 and 65536']
  ])
})

test('decK defaults fill upstreams and targets; select_tags tag them', () => {
  const r = loadDeclarativeDocument({
    _format_version: '3.0',
    _info: { select_tags: ['team'], defaults: { upstream: { slots: 100, algorithm: 'least-connections' }, target: { weight: 7 } } },
    upstreams: [{ name: 'a.up', targets: [{ target: '10.0.0.1' }, { target: '10.0.0.2', weight: 1 }] }, { name: 'b.up', slots: 50 }],
    targets: [{ target: '10.0.0.3', upstream: 'b.up' }]
  })
  assert.equal(r.ok, true, JSON.stringify(!r.ok && r.errors))
  if (!r.ok) return
  const u = r.config.upstreams ?? []
  assert.deepEqual(u.map((x) => [x.slots, x.algorithm, x.tags, x.targets.map((t) => [t.weight, t.tags])]), [
    [100, 'least-connections', ['team'], [[7, ['team']], [1, ['team']]]],
    [50, 'least-connections', ['team'], [[7, ['team']]]]
  ])
})
