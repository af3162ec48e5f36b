import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { runAtrium, startAtrium } from '../../support/cli-process.js'
import { createTestStore, describeStores, type SuiteStore } from '../../support/stores.js'
import { httpCall } from '../../support/http-client.js'

const FILE = `_format_version: "3.0"
services:
  - name: orders
    url: http://orders.internal:8080
    routes:
      - name: orders-api
        paths: [/orders]
consumers:
  - username: alice
plugins:
  - name: correlation-id
    service: orders
`

/** A control plane process on `store` with runtime group prod, a temporary folder, and the CLI's remote flags. */
async function startWithGroup (t: TestContext, store: SuiteStore): Promise<{ adminUrl: string, dir: string, common: string[] }> {
  const cp = startAtrium(['control-plane', '--db', store.url, '--admin-listen', '127.0.0.1:0'])
  const dir = mkdtempSync(join(tmpdir(), 'atrium-config-cli-'))
  t.after(async () => { await cp.stop(); rmSync(dir, { recursive: true, force: true }) })
  const line = await cp.waitForLog((l) => l.msg === 'admin listening')
  const adminUrl = `http://127.0.0.1:${String(line.port)}`
  const created = await httpCall(`${adminUrl}/runtime-groups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'prod' }) })
  assert.equal(created.status, 201)
  return { adminUrl, dir, common: ['--runtime-group', 'prod', '--admin-url', adminUrl] }
}

describeStores((store) => {
  test('atrium config apply, dump and diff talk to a control plane process', async (t) => {
    const { adminUrl, dir, common } = await startWithGroup(t, store)
    const file = join(dir, 'kong.yaml')
    writeFileSync(file, FILE)

    const diff = await runAtrium(['config', 'diff', file, ...common])
    assert.equal(diff.code, 0, diff.stderr)
    assert.match(diff.stdout, /^\+ service orders /m)
    assert.match(diff.stdout, /4 to create, 0 to update, 0 to delete/)

    const apply = await runAtrium(['config', 'apply', file, ...common])
    assert.equal(apply.code, 0, apply.stderr)
    assert.match(apply.stdout, /4 created, 0 updated, 0 deleted \(config version 1\)/)

    const dump = await runAtrium(['config', 'dump', ...common])
    assert.equal(dump.code, 0, dump.stderr)
    const doc = parseYaml(dump.stdout)
    assert.equal(doc.services[0].name, 'orders')
    assert.equal(doc.services[0].routes[0].name, 'orders-api')
    const json = await runAtrium(['config', 'dump', ...common, '--format', 'json'])
    assert.deepEqual(JSON.parse(json.stdout), doc)

    const dumped = join(dir, 'dump.yaml')
    writeFileSync(dumped, dump.stdout)
    const noChange = await runAtrium(['config', 'diff', dumped, ...common])
    assert.match(noChange.stdout, /0 to create, 0 to update, 0 to delete/)

    const bad = join(dir, 'bad.yaml')
    writeFileSync(bad, '_format_version: "3.0"\nservices:\n  - name: x\n    host: a.internal\n    port: 0\n    routes: [{ paths: ["~/(?=x)"] }]\n')
    const refused = await runAtrium(['config', 'apply', bad, ...common])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /^services\[0\]\.port: must be between 1 and 65535$/m)
    assert.match(refused.stderr, /^services\[0\]\.routes\[0\]\.paths\[0\]: invalid regex/m)

    const unknownGroup = await runAtrium(['config', 'dump', '--runtime-group', 'nope', '--admin-url', adminUrl])
    assert.equal(unknownGroup.code, 1)
    assert.match(unknownGroup.stderr, /no runtime group/)
    const missingFlag = await runAtrium(['config', 'dump', '--admin-url', adminUrl])
    assert.equal(missingFlag.code, 1)
    assert.match(missingFlag.stderr, /--runtime-group/)
  })
})

const TEAMS = `_format_version: "3.0"
services:
  - name: a-svc
    host: a.internal
    tags: [team-a, core]
    routes:
      - { name: a-route, paths: [/a], tags: [team-a] }
  - name: b-svc
    host: b.internal
    tags: [team-b]
    routes:
      - { name: b-route, paths: [/b], tags: [team-b] }
consumers:
  - username: alice
    tags: [team-a]
    keyauth_credentials: [{ key: alice-key-0001, tags: [team-a] }]
  - username: bob
    tags: [team-b]
plugins:
  - { name: correlation-id, service: a-svc, tags: [team-a] }
  - { name: correlation-id, tags: [team-b] }
`

describeStores((store) => {
  test('atrium config dump --select-tag prints what GET ?select_tags= answers, and applying it back changes nothing', async (t) => {
    const { adminUrl, dir, common } = await startWithGroup(t, store)
    const file = join(dir, 'teams.yaml')
    writeFileSync(file, TEAMS)
    assert.equal((await runAtrium(['config', 'apply', file, ...common])).code, 0)
    const before = await httpCall(`${adminUrl}/runtime-groups/prod/config`)

    const dump = await runAtrium(['config', 'dump', ...common, '--select-tag', 'team-a'])
    assert.equal(dump.code, 0, dump.stderr)
    const doc = parseYaml(dump.stdout)
    const viaApi = await httpCall(`${adminUrl}/runtime-groups/prod/config?select_tags=team-a`)
    assert.equal(viaApi.status, 200, viaApi.body)
    assert.deepEqual(doc, JSON.parse(viaApi.body))
    assert.deepEqual(doc._info, { select_tags: ['team-a'] })
    assert.deepEqual([doc.services.map((s: any) => s.name), doc.consumers.map((c: any) => c.username), doc.plugins.length], [['a-svc'], ['alice'], 1])
    const two = parseYaml((await runAtrium(['config', 'dump', ...common, '--select-tag', 'team-a', '--select-tag', 'core'])).stdout)
    assert.deepEqual([two._info, two.services.map((s: any) => [s.name, s.routes]), two.consumers], [{ select_tags: ['team-a', 'core'] }, [['a-svc', []]], undefined])

    const dumped = join(dir, 'team-a.yaml')
    writeFileSync(dumped, dump.stdout)
    const diff = await runAtrium(['config', 'diff', dumped, ...common])
    assert.match(diff.stdout, /^0 to create, 0 to update, 0 to delete$/m, diff.stdout + diff.stderr)
    const apply = await runAtrium(['config', 'apply', dumped, ...common])
    assert.equal(apply.code, 0, apply.stderr)
    assert.match(apply.stdout, /: 0 created, 0 updated, 0 deleted \(config version 1\)/)
    // team-b's entities (outside the dump's select_tags) are untouched, and so is everything else.
    assert.deepEqual(JSON.parse((await httpCall(`${adminUrl}/runtime-groups/prod/config`)).body), JSON.parse(before.body))

    const bad = await runAtrium(['config', 'dump', ...common, '--select-tag', 'a/b'])
    assert.equal(bad.code, 1, bad.stdout)
    assert.equal(bad.stdout, '')
    assert.match(bad.stderr, /--select-tag "a\/b": must be a non-empty tag of printable characters other than "," and "\/"/)
    const empty = await runAtrium(['config', 'dump', ...common, '--select-tag', 'team-a,'])
    assert.equal(empty.code, 1, empty.stdout)
    assert.match(empty.stderr, /--select-tag "team-a,": must be a non-empty tag/)
  })
})

describeStores((store) => {
  test('atrium config diff names the catalog version a file takes the implementation of; apply refuses it unless --detach-versions', async (t) => {
    const { adminUrl, dir, common } = await startWithGroup(t, store)
    const post = async (method: string, path: string, body: unknown): Promise<number> =>
      (await httpCall(`${adminUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status
    assert.equal(await post('POST', '/service-packages', { name: 'payments' }), 201)
    assert.equal(await post('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'prod' }), 201)
    assert.equal(await post('PUT', '/service-packages/payments/versions/v1/implementation', { service: { name: 'payments-v1', host: 'payments.internal' } }), 201)
    const file = join(dir, 'kong.yaml')
    writeFileSync(file, FILE)

    const diff = await runAtrium(['config', 'diff', file, ...common])
    assert.equal(diff.code, 0, diff.stderr)
    assert.match(diff.stdout, /^- service payments-v1 /m)
    assert.match(diff.stdout, /^! catalog version payments v1 \(service payments-v1\) loses its implementation: apply refuses this without --detach-versions$/m)

    const refused = await runAtrium(['config', 'apply', file, ...common])
    assert.equal(refused.code, 1, refused.stdout)
    assert.match(refused.stderr, /^error: the change deletes services that implement catalog versions: payments v1 \(service payments-v1\);/m)
    assert.equal(JSON.parse((await httpCall(`${adminUrl}/runtime-groups/prod`)).body).config_version, 1, 'only the implementation was written')

    const apply = await runAtrium(['config', 'apply', file, ...common, '--detach-versions'])
    assert.equal(apply.code, 0, apply.stderr)
    assert.match(apply.stdout, /4 created, 0 updated, 1 deleted \(config version 2\)/)
    assert.match(apply.stdout, /^detached catalog version payments v1 \(service payments-v1\)$/m)
    assert.equal(JSON.parse((await httpCall(`${adminUrl}/service-packages/payments/versions/v1`)).body).implementation, null)
  })
})

test('atrium config validate still works next to the remote subcommands', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-config-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'kong.yaml')
  writeFileSync(file, FILE)
  const r = await runAtrium(['config', 'validate', file])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /valid \(1 services, 1 routes/)
})

test('atrium config apply sends --admin-token as a bearer token and reports 401', async (t) => {
  const store = await createTestStore('sqlite')
  const cp = startAtrium(['control-plane', '--db', store.url, '--admin-listen', '127.0.0.1:0'], { ATRIUM_ADMIN_TOKENS: 'admin:s3cret-token' })
  t.after(async () => { await cp.stop(); await store.drop() })
  const line = await cp.waitForLog((l) => l.msg === 'admin listening')
  const adminUrl = `http://127.0.0.1:${String(line.port)}`
  const denied = await runAtrium(['config', 'dump', '--runtime-group', 'prod', '--admin-url', adminUrl])
  assert.equal(denied.code, 1, denied.stdout + denied.stderr)
  assert.match(denied.stderr, /token/)
  const allowed = await runAtrium(['config', 'dump', '--runtime-group', 'prod', '--admin-url', adminUrl, '--admin-token', 's3cret-token'])
  assert.equal(allowed.code, 1, allowed.stdout + allowed.stderr)
  assert.match(allowed.stderr, /no runtime group/)
})
