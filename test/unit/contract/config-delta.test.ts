import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyConfigDelta, buildConfigDelta, DeltaError, documentLayout } from '../../../src/contract/config-delta.js'
import { prng, type Rng } from '../../support/prng.js'

// Documents in the control plane's export layout, mutated at random (entities added, removed,
// changed, moved between services, lists reordered): the delta from one to the next, applied to
// the first, must give exactly the next.

type Doc = Record<string, unknown>
type Entity = Record<string, unknown>

let counter = 0
const newId = (): string => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`
const pick = <T>(rnd: Rng, xs: T[]): T => xs[Math.floor(rnd() * xs.length)]

interface Model { services: Array<{ svc: Entity, routes: Entity[] }>, routes: Entity[], consumers: Entity[], plugins: Entity[] }

function toDoc (m: Model): Doc {
  const doc: Doc = { _format_version: '3.0', services: m.services.map(({ svc, routes }) => ({ ...svc, routes: [...routes] })) }
  if (m.routes.length > 0) doc.routes = [...m.routes]
  if (m.consumers.length > 0) doc.consumers = [...m.consumers]
  if (m.plugins.length > 0) doc.plugins = [...m.plugins]
  return doc
}

function clone (m: Model): Model {
  return { services: m.services.map(({ svc, routes }) => ({ svc, routes: [...routes] })), routes: [...m.routes], consumers: [...m.consumers], plugins: [...m.plugins] }
}

function mutate (rnd: Rng, m: Model, changed: Set<string>): void {
  const roll = rnd()
  const service = m.services.length > 0 ? pick(rnd, m.services) : null
  if (roll < 0.15 || service === null) {
    const id = newId()
    m.services.splice(Math.floor(rnd() * (m.services.length + 1)), 0, { svc: { id, name: `s${counter}`, host: `h${counter}` }, routes: [] })
  } else if (roll < 0.35) {
    const id = newId()
    service.routes.push({ id, name: `r${counter}`, paths: [`/p${counter}`] })
  } else if (roll < 0.45 && service.routes.length > 0) {
    service.routes.splice(Math.floor(rnd() * service.routes.length), 1)
  } else if (roll < 0.6 && service.routes.length > 0) {
    const i = Math.floor(rnd() * service.routes.length)
    const updated: Entity = { ...service.routes[i], paths: [`/changed${counter++}`] }
    service.routes[i] = updated
    changed.add(updated.id as string)
  } else if (roll < 0.68) {
    const updated: Entity = { ...service.svc, port: 1000 + Math.floor(rnd() * 1000) }
    service.svc = updated
    changed.add(updated.id as string)
  } else if (roll < 0.74 && service.routes.length > 0 && m.services.length > 1) {
    // A route moves to another service (its row's service_id changes, so its revision does too).
    const route = service.routes.shift() as Entity
    pick(rnd, m.services).routes.push(route)
    changed.add(route.id as string)
  } else if (roll < 0.8) {
    m.services.splice(m.services.indexOf(service), 1)
  } else if (roll < 0.86) {
    m.routes.push({ id: newId(), name: `o${counter}`, paths: [`/o${counter}`], service: { id: service.svc.id } })
  } else if (roll < 0.9 && m.routes.length > 0) {
    m.routes.pop()
  } else if (roll < 0.95) {
    m.consumers.push({ id: newId(), username: `u${counter}` })
  } else {
    m.plugins.push({ id: newId(), name: 'cors', config: { origins: [`o${counter}`] } })
  }
}

test('a delta applied to its base rebuilds the next document exactly (random edits)', () => {
  const seed = Number(process.env.ATRIUM_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
  const rnd = prng(seed)
  for (let round = 0; round < 200; round++) {
    let model: Model = { services: [], routes: [], consumers: [], plugins: [] }
    for (let i = 0; i < 20; i++) mutate(rnd, model, new Set())
    const before = toDoc(model)
    model = clone(model)
    const changed = new Set<string>()
    const edits = 1 + Math.floor(rnd() * 5)
    for (let i = 0; i < edits; i++) mutate(rnd, model, changed)
    const after = toDoc(model)
    const base = documentLayout(before)
    const next = documentLayout(after)
    assert.ok(base !== null && next !== null, `seed ${seed}: export layout`)
    const delta = buildConfigDelta(base, next, (id) => changed.has(id))
    const rebuilt = applyConfigDelta(base, JSON.parse(JSON.stringify(delta)))
    assert.deepEqual(rebuilt, after, `seed ${seed} round ${round}`)
    assert.equal(JSON.stringify(rebuilt), JSON.stringify(after), `seed ${seed} round ${round}: same key order`)
  }
})

test('a delta carries only what changed', () => {
  const doc = (port: number, extra: boolean): Doc => ({
    _format_version: '3.0',
    services: [
      { id: 'a', name: 'a', host: 'a', port, routes: [{ id: 'ra', paths: ['/a'] }] },
      { id: 'b', name: 'b', host: 'b', routes: extra ? [{ id: 'rb', paths: ['/b'] }, { id: 'rc', paths: ['/c'] }] : [{ id: 'rb', paths: ['/b'] }] }
    ]
  })
  const base = documentLayout(doc(80, false))
  const next = documentLayout(doc(81, true))
  assert.ok(base !== null && next !== null)
  const delta = buildConfigDelta(base, next, (id) => id === 'a')
  assert.deepEqual(delta, {
    put: [{ id: 'a', name: 'a', host: 'a', port: 81 }, { id: 'rc', paths: ['/c'] }],
    lists: { 'services/b/routes': ['rb', 'rc'] }
  })
})

test('documents outside the export layout get no layout (full snapshots only)', () => {
  assert.equal(documentLayout({ _format_version: '2.1', services: [] }), null)
  assert.equal(documentLayout({ _format_version: '3.0', services: [{ name: 'no-id' }] }), null)
  assert.equal(documentLayout({ _format_version: '3.0', services: [], targets: [] }), null, 'top-level targets are not the export form (they nest in their upstream)')
  assert.equal(documentLayout({ _format_version: '3.0', services: [{ id: 'x', routes: [] }], consumers: [{ id: 'x' }] }), null, 'duplicate id')
})

test('an upstream is one entity with its targets inside: a target change puts the upstream', () => {
  const base = documentLayout({ _format_version: '3.0', services: [], upstreams: [{ id: 'u', name: 'u', targets: [{ id: 't1', target: '127.0.0.1:1' }] }] })
  const next = documentLayout({ _format_version: '3.0', services: [], upstreams: [{ id: 'u', name: 'u', targets: [{ id: 't1', target: '127.0.0.1:1' }, { id: 't2', target: '127.0.0.1:2' }] }] })
  assert.ok(base !== null && next !== null)
  const delta = buildConfigDelta(base, next, (id) => id === 'u')
  assert.deepEqual(delta, { put: [{ id: 'u', name: 'u', targets: [{ id: 't1', target: '127.0.0.1:1' }, { id: 't2', target: '127.0.0.1:2' }] }], lists: {} })
  assert.deepEqual(applyConfigDelta(base, delta).upstreams, [{ id: 'u', name: 'u', targets: [{ id: 't1', target: '127.0.0.1:1' }, { id: 't2', target: '127.0.0.1:2' }] }])
})

test('a certificate is one entity with its SNIs inside: an SNI change puts the certificate, a new one adds to the certificates list', () => {
  const cert = (snis: string[]): Entity => ({ id: 'c', cert: 'PEM', key: 'KEY', snis: snis.map((name) => ({ id: `s-${name}`, name })) })
  const base = documentLayout({ _format_version: '3.0', services: [], certificates: [cert(['a.test'])] })
  const next = documentLayout({ _format_version: '3.0', services: [], certificates: [cert(['a.test', 'b.test']), { id: 'd', cert: 'PEM2', key: 'KEY2' }] })
  assert.ok(base !== null && next !== null, 'certificates are part of the export layout')
  const delta = buildConfigDelta(base, next, (id) => id === 'c')
  assert.deepEqual(delta, { put: [cert(['a.test', 'b.test']), { id: 'd', cert: 'PEM2', key: 'KEY2' }], lists: { certificates: ['c', 'd'] } })
  assert.deepEqual(applyConfigDelta(base, delta).certificates, [cert(['a.test', 'b.test']), { id: 'd', cert: 'PEM2', key: 'KEY2' }])
})

test('a delta that does not fit its base throws DeltaError', () => {
  const base = documentLayout({ _format_version: '3.0', services: [{ id: 'a', host: 'a', routes: [] }] })
  assert.ok(base !== null)
  assert.throws(() => applyConfigDelta(base, { put: [], lists: { services: ['a', 'missing'] } }), DeltaError)
  assert.throws(() => applyConfigDelta(base, { put: [], lists: { services: ['a', 'a'] } }), DeltaError)
  assert.throws(() => applyConfigDelta(base, { put: [{ name: 'no id' }], lists: {} }), DeltaError)
  assert.throws(() => applyConfigDelta(base, { put: 'x', lists: {} }), DeltaError)
})
