import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeDocument } from '../../../src/contract/index.js'
import { selfSignedCertificate } from '../../../src/data-plane/tls/self-signed.js'
import { selfSigned } from '../../support/tls-cert.js'

// Kong's certificates and snis in a declarative document: what passes, what is refused and where.

const ec = selfSigned(['a.example'])
const rsa = selfSigned(['a.example'], 'rsa')
const other = selfSigned(['b.example'])

function load (doc: Record<string, unknown>, options = {}): ReturnType<typeof loadDeclarativeDocument> {
  return loadDeclarativeDocument({ _format_version: '3.0', ...doc }, options)
}

function errors (doc: Record<string, unknown>): Array<{ path: string, message: string }> {
  const r = load(doc)
  assert.equal(r.ok, false)
  return r.ok ? [] : r.errors.map((e) => ({ path: e.path, message: e.message }))
}

test('certificates with nested SNIs (names or { name }) and top-level SNIs by certificate id normalise to each certificate\'s names', () => {
  const id = '6a0b8c4e-1f3a-4f7e-9d7c-2d1b1c0a9e11'
  const r = load({
    certificates: [
      { id, cert: ec.cert, key: ec.key, cert_alt: rsa.cert, key_alt: rsa.key, snis: ['A.example', { name: '*.wild.example' }], tags: ['t'] },
      { cert: other.cert, key: other.key }
    ],
    snis: [{ name: 'b.*', certificate: { id } }, { name: '*', certificate: id }]
  })
  assert.equal(r.ok, true, JSON.stringify(!r.ok && r.errors))
  if (!r.ok) return
  assert.deepEqual(r.config.certificates?.map((c) => [c.id, c.snis, c.tags, c.cert_alt !== null]), [
    [id, ['a.example', '*.wild.example', 'b.*', '*'], ['t'], true],
    [null, [], [], false]
  ])
})

test('bad material is refused naming the field: unparsable PEM, a key of another certificate, an expired certificate, alt pairs', () => {
  const expired = selfSignedCertificate('old.example', new Date('2000-01-01T00:00:00Z'))
  const got = errors({
    certificates: [
      { cert: 'not a pem', key: ec.key },
      { cert: ec.cert, key: other.key },
      { cert: expired.cert, key: expired.key },
      { cert: ec.cert, key: ec.key, cert_alt: rsa.cert },
      { cert: ec.cert, key: ec.key, cert_alt: other.cert, key_alt: other.key }
    ]
  })
  assert.deepEqual(got.map((e) => e.path), ['certificates[0].cert', 'certificates[1].key', 'certificates[2].cert', 'certificates[3].key_alt', 'certificates[4].cert_alt'])
  assert.match(got[0]!.message, /^invalid certificate: /)
  assert.equal(got[1]!.message, 'certificate does not match key')
  assert.equal(got[2]!.message, 'certificate expired on 2010-01-01T00:00:00.000Z')
  assert.equal(got[3]!.message, 'cert_alt and key_alt go together: both or neither')
  assert.match(got[4]!.message, /need to have different type/)
  // A node checking its control plane's config accepts an expired one (the CP refused it when written).
  assert.equal(load({ certificates: [{ cert: expired.cert, key: expired.key }] }, { acceptExpiredCertificates: true }).ok, true)
})

test('SNI names: wildcard hosts only, unique across certificates, top-level ones name an existing certificate', () => {
  const got = errors({
    certificates: [{ id: '6a0b8c4e-1f3a-4f7e-9d7c-2d1b1c0a9e12', cert: ec.cert, key: ec.key, snis: ['a.example', 'x.*.example', 'a.example:443', '10.0.0.1'] }, { cert: other.cert, key: other.key, snis: ['A.EXAMPLE'] }],
    snis: [{ name: 'c.example', certificate: { id: '6a0b8c4e-1f3a-4f7e-9d7c-2d1b1c0a9e13' } }]
  })
  assert.deepEqual(got.map((e) => e.path), ['certificates[0].snis[1]', 'certificates[0].snis[2]', 'certificates[0].snis[3]', 'certificates[1].snis[0]', 'snis[0].certificate'])
  assert.match(got[0]!.message, /only one wildcard is allowed, as the whole first or last label/)
  assert.match(got[3]!.message, /duplicate SNI name "A.EXAMPLE" \(also at certificates\[0\]\.snis\[0\]\)/)
})

test('https_redirect_status_code: 301, 302, 307, 308 are kept on the route; 426 (Kong\'s default) leaves the config as without it', () => {
  const route = (code?: number): Record<string, unknown> => ({ services: [{ name: 's', host: 'x', routes: [{ paths: ['/'], protocols: ['https'], ...(code === undefined ? {} : { https_redirect_status_code: code }) }] }] })
  const plain = load(route())
  const at426 = load(route(426))
  const at308 = load(route(308))
  assert.ok(plain.ok && at426.ok && at308.ok)
  assert.equal(plain.hash, at426.hash)
  assert.equal(at308.config.routes[0]!.https_redirect_status_code, 308)
  const bad = errors(route(303))
  assert.deepEqual(bad.map((e) => e.path), ['services[0].routes[0].https_redirect_status_code'])
})
