import { test } from 'node:test'
import assert from 'node:assert/strict'
import { selfSignedCertificate } from '../../../src/data-plane/tls/self-signed.js'
import { describeStores } from '../../support/stores.js'
import { selfSigned } from '../../support/tls-cert.js'
import { startAdmin, versionOf, type Call } from './gateway-kit.js'

// Kong's certificate and SNI endpoints on the control plane (/runtime-groups/{rg}/certificates[/{id
// or SNI name}], …/snis[/{name or id}]) on both stores: nested `snis` as SNI entities, the SNI set
// replaced by PATCH/PUT, deleted with the certificate, the contract's PEM checks as 400s naming the
// field, 409 on a taken SNI name, and the keys redacted for viewer tokens.

const C = '/runtime-groups/prod/certificates'
const S = '/runtime-groups/prod/snis'
const ec = selfSigned(['api.example.test'])
const ec2 = selfSigned(['api.example.test'])
const rsa = selfSigned(['api.example.test'], 'rsa')
const expired = selfSignedCertificate('old.example.test', new Date('2000-01-01T00:00:00Z'))

async function group (call: Call): Promise<void> {
  assert.equal((await call('POST', '/runtime-groups', { name: 'prod' })).status, 201)
}

function fieldsOf (r: { status: number, body: any }): [number, string[]] {
  return [r.status, Object.keys(r.body?.fields ?? {})]
}

describeStores((store) => {
  test('a certificate created with nested snis answers their names sorted, is found by id or SNI name, and each name is an SNI entity', async (t) => {
    const call = await startAdmin(t, store)
    await group(call)
    const v0 = await versionOf(call, 'prod')
    const created = await call('POST', C, { cert: ec.cert, key: ec.key, snis: ['b.example.test', 'a.example.test'], tags: ['edge'] })
    assert.equal(created.status, 201, created.text)
    const c = created.body
    assert.deepEqual(c.snis, ['a.example.test', 'b.example.test'])
    assert.deepEqual([c.cert, c.key, c.tags], [ec.cert, ec.key, ['edge']], 'an admin gets the key, as Kong answers it')
    assert.equal(typeof c.created_at, 'number')
    assert.equal(await versionOf(call, 'prod'), v0 + 1)

    assert.equal((await call('GET', `${C}/${c.id}`)).body.id, c.id)
    const bySni = await call('GET', `${C}/b.example.test`)
    assert.deepEqual([bySni.status, bySni.body.id], [200, c.id])
    assert.equal((await call('GET', `${C}/nope.example.test`)).status, 404)

    const snis = await call('GET', S)
    assert.equal(snis.status, 200, snis.text)
    assert.deepEqual(snis.body.data.map((s: any) => [s.name, s.certificate]), [['b.example.test', { id: c.id }], ['a.example.test', { id: c.id }]])
    const a = await call('GET', `${S}/a.example.test`)
    assert.deepEqual([a.status, a.body.certificate.id], [200, c.id])
    assert.equal((await call('GET', `${S}/${String(a.body.id)}`)).body.name, 'a.example.test')

    const second = await call('POST', C, { cert: ec2.cert, key: ec2.key })
    assert.deepEqual([second.status, second.body.snis], [201, []])
    const page1 = await call('GET', `${C}?size=1`)
    assert.deepEqual(page1.body.data.map((x: any) => x.id), [c.id])
    const page2 = await call('GET', `${C}?size=1&offset=${String(page1.body.next)}`)
    assert.deepEqual([page2.body.data.map((x: any) => x.id), page2.body.next], [[second.body.id], null])
  })

  test('PATCH and PUT with snis replace the SNI set (kept names keep their SNI), PATCH without keeps it, PUT by a new SNI name creates, DELETE takes the SNIs along', async (t) => {
    const call = await startAdmin(t, store)
    await group(call)
    const c = (await call('POST', C, { cert: ec.cert, key: ec.key, snis: ['a.example.test', 'b.example.test'] })).body
    const aId = (await call('GET', `${S}/a.example.test`)).body.id
    const patched = await call('PATCH', `${C}/${String(c.id)}`, { snis: ['a.example.test', 'c.example.test'] })
    assert.equal(patched.status, 200, patched.text)
    assert.deepEqual(patched.body.snis, ['a.example.test', 'c.example.test'])
    assert.equal((await call('GET', `${S}/a.example.test`)).body.id, aId, 'a name the certificate keeps keeps its SNI id')
    assert.equal((await call('GET', `${S}/b.example.test`)).status, 404)

    const tagged = await call('PATCH', `${C}/a.example.test`, { tags: ['x'] })
    assert.deepEqual([tagged.status, tagged.body.snis, tagged.body.tags], [200, ['a.example.test', 'c.example.test'], ['x']])
    const rotated = await call('PUT', `${C}/${String(c.id)}`, { cert: ec2.cert, key: ec2.key, snis: ['d.example.test'] })
    assert.deepEqual([rotated.status, rotated.body.snis, rotated.body.cert, rotated.body.tags], [200, ['d.example.test'], ec2.cert, undefined])
    const byName = await call('PUT', `${C}/d.example.test`, { cert: ec.cert, key: ec.key })
    assert.deepEqual([byName.status, byName.body.id, byName.body.snis], [200, c.id, ['d.example.test']], 'PUT at an SNI name keeps that name')

    const fresh = await call('PUT', `${C}/new.example.test`, { cert: ec.cert, key: ec.key, snis: ['other.example.test'] })
    assert.equal(fresh.status, 201, fresh.text)
    assert.notEqual(fresh.body.id, c.id)
    assert.deepEqual(fresh.body.snis, ['new.example.test', 'other.example.test'])

    assert.equal((await call('DELETE', `${C}/${String(c.id)}`)).status, 204)
    assert.equal((await call('GET', `${S}/d.example.test`)).status, 404, 'the SNIs went with their certificate')
    assert.equal((await call('DELETE', `${C}/new.example.test`)).status, 204, 'delete by SNI name')
    assert.deepEqual((await call('GET', S)).body.data, [])
    assert.equal((await call('DELETE', `${C}/${String(c.id)}`)).status, 204, 'Kong answers 204 for a missing one too')
  })

  test('bad certificates are refused with 400 naming the field: mismatched key, unparsable PEM, expired, cert_alt of the same type, bad or repeated SNI names, a name another certificate has', async (t) => {
    const call = await startAdmin(t, store)
    await group(call)
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['mismatched key', { cert: ec.cert, key: ec2.key }, 'key', /does not match/],
      ['unparsable cert', { cert: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----', key: ec.key }, 'cert', /invalid certificate/],
      ['expired', { cert: expired.cert, key: expired.key }, 'cert', /expired on 2010/],
      ['alt of the same type', { cert: ec.cert, key: ec.key, cert_alt: ec2.cert, key_alt: ec2.key }, 'cert_alt', /different type/],
      ['alt without key', { cert: ec.cert, key: ec.key, cert_alt: rsa.cert }, 'key_alt', /go together/],
      ['bad SNI name', { cert: ec.cert, key: ec.key, snis: ['*.a.*'] }, 'snis[0]', /Invalid SNI/],
      ['repeated SNI', { cert: ec.cert, key: ec.key, snis: ['x.example.test', 'X.example.test'] }, 'snis', /is duplicated/],
      ['snis not a list', { cert: ec.cert, key: ec.key, snis: 'x.example.test' }, 'snis', /array/],
      ['missing key', { cert: ec.cert }, 'key', /./]
    ]
    for (const [what, body, field, message] of cases) {
      const r = await call('POST', C, body)
      assert.deepEqual(fieldsOf(r), [400, [field]], `${what}: ${r.text}`)
      assert.equal(r.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
      assert.match(r.body.fields[field], message, what)
      assert.doesNotMatch(r.text, /PRIVATE KEY/, `${what}: the key is not echoed`)
    }
    const ok = await call('POST', C, { cert: ec.cert, key: ec.key, cert_alt: rsa.cert, key_alt: rsa.key, snis: ['taken.example.test'] })
    assert.equal(ok.status, 201, ok.text)
    const taken = await call('POST', C, { cert: ec2.cert, key: ec2.key, snis: ['TAKEN.example.test'] })
    assert.deepEqual(fieldsOf(taken), [400, ['snis']])
    assert.match(taken.body.fields.snis, new RegExp(`already associated with existing certificate '${String(ok.body.id)}'`))
    const badPatch = await call('PATCH', `${C}/${String(ok.body.id)}`, { key: ec2.key })
    assert.deepEqual(fieldsOf(badPatch), [400, ['key']])
    const dropAlt = await call('PATCH', `${C}/${String(ok.body.id)}`, { cert_alt: null, key_alt: null })
    assert.deepEqual([dropAlt.status, dropAlt.body.cert_alt, dropAlt.body.key_alt], [200, undefined, undefined])
    assert.equal((await call('GET', C)).body.data.length, 1, 'nothing refused was stored')
  })

  test('snis: created for a certificate by { id } or under /certificates/{cert}/snis, 409 on a taken name, 400 on a missing certificate or a bad name, addressed by name or id, moved by PATCH, deleted', async (t) => {
    const call = await startAdmin(t, store)
    await group(call)
    const one = (await call('POST', C, { cert: ec.cert, key: ec.key, snis: ['one.example.test'] })).body
    const two = (await call('POST', C, { cert: ec2.cert, key: ec2.key })).body
    const created = await call('POST', S, { name: '*.wild.example.test', certificate: { id: one.id }, tags: ['t'] })
    assert.equal(created.status, 201, created.text)
    assert.deepEqual([created.body.name, created.body.certificate, created.body.tags], ['*.wild.example.test', { id: one.id }, ['t']])
    assert.deepEqual((await call('GET', `${C}/${String(one.id)}`)).body.snis, ['*.wild.example.test', 'one.example.test'])

    const dup = await call('POST', S, { name: 'one.example.test', certificate: { id: two.id } })
    assert.deepEqual([dup.status, dup.body.code, dup.body.fields], [409, 'ATRIUM_ERR_ADMIN_CONFLICT', { name: 'already exists' }])
    const noCert = await call('POST', S, { name: 'x.example.test', certificate: { id: '6a0b8c4e-1f3a-4f7e-9d7c-2d1b1c0a9e99' } })
    assert.deepEqual(fieldsOf(noCert), [400, ['certificate']])
    const missing = await call('POST', S, { name: 'x.example.test' })
    assert.deepEqual(fieldsOf(missing), [400, ['certificate']])
    const badName = await call('POST', S, { name: 'a.*.example', certificate: { id: one.id } })
    assert.deepEqual(fieldsOf(badName), [400, ['name']])
    assert.match(badName.body.fields.name, /Invalid SNI/)
    const unknown = await call('POST', S, { name: 'y.example.test', certificate: { id: one.id }, port: 1 })
    assert.deepEqual(fieldsOf(unknown), [400, ['port']])

    const moved = await call('PATCH', `${S}/*.wild.example.test`, { certificate: { id: two.id } })
    assert.deepEqual([moved.status, moved.body.id, moved.body.certificate, moved.body.tags], [200, created.body.id, { id: two.id }, ['t']])
    assert.deepEqual((await call('GET', `${C}/${String(one.id)}`)).body.snis, ['one.example.test'])
    assert.deepEqual((await call('GET', `${C}/${String(two.id)}`)).body.snis, ['*.wild.example.test'])
    const renamed = await call('PATCH', `${S}/${String(created.body.id)}`, { name: 'tame.example.test' })
    assert.deepEqual([renamed.status, renamed.body.name], [200, 'tame.example.test'])

    const put = await call('PUT', `${S}/put.example.test`, { certificate: { id: one.id } })
    assert.deepEqual([put.status, put.body.name], [201, 'put.example.test'])
    const replaced = await call('PUT', `${S}/put.example.test`, { certificate: { id: one.id }, tags: ['r'] })
    assert.deepEqual([replaced.status, replaced.body.id, replaced.body.tags], [200, put.body.id, ['r']])
    const mismatch = await call('PUT', `${S}/put.example.test`, { name: 'other.example.test', certificate: { id: one.id } })
    assert.deepEqual(fieldsOf(mismatch), [400, ['name']])

    const nested = await call('POST', `${C}/one.example.test/snis`, { name: 'nested.example.test' })
    assert.deepEqual([nested.status, nested.body.certificate], [201, { id: one.id }], nested.text)
    const elsewhere = await call('POST', `${C}/${String(one.id)}/snis`, { name: 'n2.example.test', certificate: { id: two.id } })
    assert.deepEqual(fieldsOf(elsewhere), [400, ['certificate']])
    const ofOne = await call('GET', `${C}/${String(one.id)}/snis`)
    assert.deepEqual(ofOne.body.data.map((s: any) => s.name), ['one.example.test', 'put.example.test', 'nested.example.test'])
    assert.equal((await call('GET', `${C}/missing.example.test/snis`)).status, 404)
    assert.equal((await call('DELETE', `${S}/nested.example.test`)).status, 204)

    assert.equal((await call('DELETE', `${S}/put.example.test`)).status, 204)
    assert.equal((await call('GET', `${S}/put.example.test`)).status, 404)
    assert.deepEqual((await call('GET', S)).body.data.map((s: any) => s.name), ['one.example.test', 'tame.example.test'])
    assert.equal((await call('PATCH', `${S}/gone.example.test`, { tags: [] })).status, 404)
  })

  test('a viewer token reads certificates and the config export with key and key_alt redacted; an admin token reads them in full', async (t) => {
    const call = await startAdmin(t, store, { tokens: 'admin:admin-secret-1,viewer:viewer-secret-1' })
    const admin = { authorization: 'Bearer admin-secret-1' }
    const viewer = { authorization: 'Bearer viewer-secret-1' }
    assert.equal((await call('POST', '/runtime-groups', { name: 'prod' }, admin)).status, 201)
    const c = (await call('POST', C, { cert: ec.cert, key: ec.key, cert_alt: rsa.cert, key_alt: rsa.key, snis: ['a.example.test'] }, admin)).body
    assert.equal(c.key, ec.key)

    const one = await call('GET', `${C}/${String(c.id)}`, undefined, viewer)
    assert.deepEqual([one.status, one.body.key, one.body.key_alt, one.body.cert, one.body.cert_alt], [200, '[redacted]', '[redacted]', ec.cert, rsa.cert])
    const bySni = await call('GET', `${C}/a.example.test`, undefined, viewer)
    const list = await call('GET', C, undefined, viewer)
    const exported = await call('GET', '/runtime-groups/prod/config', undefined, viewer)
    const yaml = await call('GET', '/runtime-groups/prod/config', undefined, { ...viewer, accept: 'application/yaml' })
    for (const [what, r] of [['by SNI', bySni], ['list', list], ['export', exported], ['YAML export', yaml]] as const) {
      assert.equal(r.status, 200, `${what}: ${r.text}`)
      assert.doesNotMatch(r.text, /PRIVATE KEY/, `${what} shows no key to a viewer`)
      assert.match(r.text, /\[redacted\]/, what)
    }
    assert.equal(exported.body.certificates[0].key, '[redacted]')
    const full = await call('GET', '/runtime-groups/prod/config', undefined, admin)
    assert.deepEqual([full.body.certificates[0].key, full.body.certificates[0].key_alt], [ec.key, rsa.key])
    assert.equal((await call('GET', `${C}/${String(c.id)}`, undefined, admin)).body.key_alt, rsa.key)
  })
})
