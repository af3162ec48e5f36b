import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseYaml, stringify as toYaml } from 'yaml'
import { selfSignedCertificate } from '../../../src/data-plane/tls/self-signed.js'
import { runAtrium, startAtrium } from '../../support/cli-process.js'
import { createTestStore, describeStores } from '../../support/stores.js'
import { selfSigned } from '../../support/tls-cert.js'
import { startAdmin } from './gateway-kit.js'

// Certificates and SNIs through the declarative round trip: PUT /config stores them (nested and
// top-level SNIs alike), GET /config gives them back, applying that export changes nothing, a
// certificate without an id keeps its id by PEM or SNI name (so a renewal is an update), and the
// declarative file's refusals name their paths.

const A = '6a0b8c4e-1f3a-4f7e-9d7c-2d1b1c0a9e21'
const ec = selfSigned(['a.example.test'])
const rsa = selfSigned(['a.example.test'], 'rsa')
const b1 = selfSigned(['b.example.test'])
const b2 = selfSigned(['b.example.test'])

function file (bCert: { cert: string, key: string }): Record<string, unknown> {
  return {
    _format_version: '3.0',
    services: [{ name: 'web', host: 'web.internal' }],
    certificates: [
      { id: A, cert: ec.cert, key: ec.key, cert_alt: rsa.cert, key_alt: rsa.key, snis: ['a.example.test', { name: '*.a.example.test', tags: ['t'] }], tags: ['edge'] },
      { cert: bCert.cert, key: bCert.key, snis: ['b.example.test'] }
    ],
    snis: [{ name: 'top.example.test', certificate: { id: A } }]
  }
}

describeStores((store) => {
  test('PUT /config stores certificates with nested and top-level SNIs; the export gives them back and applying it or the file again changes nothing', async (t) => {
    const call = await startAdmin(t, store)
    assert.equal((await call('POST', '/runtime-groups', { name: 'prod' })).status, 201)
    const put = await call('PUT', '/runtime-groups/prod/config', file(b1))
    assert.deepEqual([put.status, put.body.created], [200, 3], put.text)

    const a = await call('GET', `/runtime-groups/prod/certificates/${A}`)
    assert.deepEqual([a.status, a.body.snis, a.body.key_alt, a.body.tags], [200, ['*.a.example.test', 'a.example.test', 'top.example.test'], rsa.key, ['edge']])
    const top = await call('GET', '/runtime-groups/prod/snis/top.example.test')
    assert.deepEqual(top.body.certificate, { id: A })
    assert.deepEqual((await call('GET', '/runtime-groups/prod/snis/*.a.example.test')).body.tags, ['t'])
    const bId = (await call('GET', '/runtime-groups/prod/certificates/b.example.test')).body.id

    const exported = await call('GET', '/runtime-groups/prod/config')
    assert.equal(exported.status, 200)
    const certs = exported.body.certificates
    assert.deepEqual(certs.map((c: any) => [c.id, c.cert, c.key, c.snis.map((s: any) => s.name)]), [
      [A, ec.cert, ec.key, ['a.example.test', '*.a.example.test', 'top.example.test']],
      [bId, b1.cert, b1.key, ['b.example.test']]
    ])
    assert.equal(exported.body.snis, undefined, 'SNIs are exported nested in their certificate')

    const again = await call('PUT', '/runtime-groups/prod/config', exported.body)
    assert.deepEqual([again.status, again.body.created, again.body.updated, again.body.deleted], [200, 0, 0, 0], again.text)
    const sameFile = await call('POST', '/runtime-groups/prod/config/diff', file(b1))
    assert.deepEqual(sameFile.body, { create: [], update: [], delete: [], catalog: [], warnings: [] }, 'the certificate without an id is matched by its PEM, its SNIs by name')
    const renewed = await call('POST', '/runtime-groups/prod/config/diff', file(b2))
    assert.deepEqual(renewed.body, { create: [], update: [{ kind: 'certificate', id: bId, name: 'b.example.test' }], delete: [], catalog: [], warnings: [] }, 'a renewal is an update')
    const dropped = await call('POST', '/runtime-groups/prod/config/diff', { _format_version: '3.0', services: [{ name: 'web', host: 'web.internal' }] })
    assert.deepEqual(dropped.body.delete.map((d: any) => d.kind), ['certificate', 'certificate'])
  })

  test('PUT /config refuses an expired certificate, a mismatched key and an SNI name on two certificates, naming the paths, and stores nothing', async (t) => {
    const call = await startAdmin(t, store)
    assert.equal((await call('POST', '/runtime-groups', { name: 'prod' })).status, 201)
    const old = selfSignedCertificate('old.example.test', new Date('2000-01-01T00:00:00Z'))
    const refused = await call('PUT', '/runtime-groups/prod/config', {
      _format_version: '3.0',
      certificates: [
        { cert: old.cert, key: old.key },
        { cert: ec.cert, key: b1.key },
        { cert: b1.cert, key: b1.key, snis: ['dup.example.test'] },
        { cert: b2.cert, key: b2.key, snis: ['DUP.example.test'] }
      ]
    })
    assert.equal(refused.status, 400, refused.text)
    assert.deepEqual(Object.keys(refused.body.fields).sort(), ['certificates[0].cert', 'certificates[1].key', 'certificates[3].snis[0]'])
    assert.doesNotMatch(refused.text, /PRIVATE KEY/, 'no key is echoed')
    assert.deepEqual((await call('GET', '/runtime-groups/prod/certificates')).body.data, [])
  })
})

test('atrium config apply, diff and dump carry certificates: the diff shows a renewed certificate as an update', async (t) => {
  const store = await createTestStore('sqlite')
  const cp = startAtrium(['control-plane', '--db', store.url, '--admin-listen', '127.0.0.1:0'])
  const dir = mkdtempSync(join(tmpdir(), 'atrium-cert-cli-'))
  t.after(async () => { await cp.stop(); rmSync(dir, { recursive: true, force: true }); await store.drop() })
  const adminUrl = `http://127.0.0.1:${String((await cp.waitForLog((l) => l.msg === 'admin listening')).port)}`
  const common = ['--runtime-group', 'prod', '--admin-url', adminUrl]
  assert.equal((await fetch(`${adminUrl}/runtime-groups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"prod"}' })).status, 201)
  const first = join(dir, 'kong.yaml')
  writeFileSync(first, toYaml(file(b1)))
  const apply = await runAtrium(['config', 'apply', first, ...common])
  assert.equal(apply.code, 0, apply.stderr)
  assert.match(apply.stdout, /3 created, 0 updated, 0 deleted/)

  const second = join(dir, 'renewed.yaml')
  writeFileSync(second, toYaml(file(b2)))
  const diff = await runAtrium(['config', 'diff', second, ...common])
  assert.equal(diff.code, 0, diff.stderr)
  assert.match(diff.stdout, /^~ certificate b\.example\.test \([0-9a-f-]{36}\)$/m)
  assert.match(diff.stdout, /0 to create, 1 to update, 0 to delete/)

  const dump = await runAtrium(['config', 'dump', ...common])
  assert.equal(dump.code, 0, dump.stderr)
  const doc = parseYaml(dump.stdout)
  assert.deepEqual(doc.certificates.map((c: any) => [c.key, c.snis.length]), [[ec.key, 3], [b1.key, 1]])
})
