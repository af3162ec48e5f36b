import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runAtrium } from '../../support/cli-process.js'
import { tempDir } from '../hybrid/hybrid-kit.js'
import { startHub } from '../ui/hub-kit.js'
import { httpCall } from '../../support/http-client.js'

// Route conflicts through the Admin API and the CLI: GET …/routes/conflicts with example requests
// that routes/explain confirms, the `warnings` of the writes that introduce one (route create and
// update, PUT /config, POST /config/diff) and none for writes that do not, `atrium routes conflicts`
// against the control plane and a file (exit 2 when there are findings).

test('route conflicts: the analysis, the warnings of writes that introduce them, and the CLI', async (t) => {
  const { base, call } = await startHub(t)
  const raw = async (method: string, path: string, body?: unknown): Promise<{ status: number, body: any }> => {
    const r = await httpCall(base + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    return { status: r.status, body: r.body === '' ? undefined : JSON.parse(r.body) }
  }
  const doc = {
    _format_version: '3.0',
    services: [
      { name: 'users-svc', url: 'http://127.0.0.1:9/u', routes: [{ name: 'users', paths: ['/users'] }, { name: 'me', paths: ['/users/me'] }] },
      { name: 'legacy-svc', url: 'http://127.0.0.1:9/l', routes: [{ name: 'legacy', paths: ['/legacy'], methods: ['GET'] }] }
    ]
  }
  await call('POST', '/runtime-groups', { name: 'production' })
  const put = await call('PUT', '/runtime-groups/production/config', doc)
  assert.deepEqual(put.warnings, [], 'a clean config has no warnings')
  assert.deepEqual((await call('GET', '/runtime-groups/production/routes/conflicts')).data, [])

  await t.test('a route create that shadows nothing has no warnings; one that takes a prefix route\'s path is warned about', async () => {
    const ok = await raw('POST', '/runtime-groups/production/services/users-svc/routes', { name: 'user-by-id', paths: ['~/users/\\d+$'] })
    assert.equal(ok.status, 201)
    assert.deepEqual(ok.body.warnings, [])
    const warned = await raw('POST', '/runtime-groups/production/services/users-svc/routes', { name: 'user-by-name', paths: ['~/users/\\w+$'] })
    assert.equal(warned.status, 201)
    assert.equal(warned.body.name, 'user-by-name', 'the entity as Kong answers it, with warnings beside it')
    assert.deepEqual(warned.body.warnings.map((w: any) => [w.kind, w.certainty, w.route.name, w.other.name]), [['regex_overlaps_prefix', 'certain', 'me', 'user-by-name']])
    assert.deepEqual(warned.body.warnings[0].example, { method: 'GET', path: '/users/me' })
    const explained = await call('POST', '/runtime-groups/production/routes/explain', warned.body.warnings[0].example)
    assert.equal(explained.route.name, 'user-by-name', 'routes/explain confirms the example')
  })

  await t.test('an update that makes a route never win is warned about; the list names both routes with an example', async () => {
    const copy = await raw('POST', '/runtime-groups/production/services/legacy-svc/routes', { name: 'legacy-copy', paths: ['/legacy/v2'] })
    assert.deepEqual(copy.body.warnings, [])
    const patched = await raw('PATCH', '/runtime-groups/production/routes/legacy-copy', { paths: ['/legacy'], methods: ['GET'] })
    assert.equal(patched.status, 200)
    assert.deepEqual(patched.body.warnings.map((w: any) => [w.kind, w.route.name, w.other.name]), [['never_wins', 'legacy-copy', 'legacy']])
    const list = (await call('GET', '/runtime-groups/production/routes/conflicts')).data
    assert.deepEqual(list.map((c: any) => `${c.kind} ${c.route.name} ${c.other.name}`).sort(), ['never_wins legacy-copy legacy', 'regex_overlaps_prefix me user-by-name'])
    const mine = (await call('GET', '/runtime-groups/production/routes/conflicts?route=me')).data
    assert.equal(mine.length, 1)
    assert.equal(mine[0].route.name, 'me')
    assert.match(mine[0].route.id, /^[0-9a-f-]{36}$/)
  })

  await t.test('config diff and PUT /config report the conflicts the file introduces', async () => {
    const file = structuredClone(doc) as any
    file.services[1].routes.push({ name: 'legacy-twin', paths: ['/legacy'], methods: ['GET'] })
    file.services.push({ name: 'other-svc', url: 'http://127.0.0.1:9/o', routes: [{ name: 'users-dup', paths: ['/users'] }] })
    const diff = await call('POST', '/runtime-groups/production/config/diff', file)
    assert.deepEqual(diff.warnings.map((w: any) => `${w.kind} ${w.route.name} ${w.other.name}`).sort(), ['duplicate users-dup users', 'never_wins legacy-twin legacy'])
    const applied = await call('PUT', '/runtime-groups/production/config', file)
    assert.deepEqual(applied.warnings.map((w: any) => `${w.kind} ${w.route.name} ${w.other.name}`).sort(), ['duplicate users-dup users', 'never_wins legacy-twin legacy'])
    assert.deepEqual((await call('PUT', '/runtime-groups/production/config', file)).warnings, [], 'nothing new the second time')
  })

  await t.test('atrium routes conflicts: the group (exit 2 with findings), a clean file (exit 0), json', async () => {
    const remote = await runAtrium(['routes', 'conflicts', '--runtime-group', 'production', '--admin-url', base])
    assert.equal(remote.code, 2, remote.stderr)
    assert.match(remote.stdout, /^duplicate \(certain\): users-dup \(service other-svc\) by users \(service users-svc\)$/m)
    assert.match(remote.stdout, /^ {2}e\.g\. GET http:\/\/<any host>\/legacy$/m)
    assert.match(remote.stdout, /^2 conflicts$/m)
    const clean = join(tempDir(t), 'clean.yaml')
    writeFileSync(clean, JSON.stringify(doc))
    const local = await runAtrium(['routes', 'conflicts', '--config', clean])
    assert.equal(local.code, 0, local.stderr)
    assert.equal(local.stdout, 'no route conflicts\n')
    const json = await runAtrium(['routes', 'conflicts', '--runtime-group', 'production', '--admin-url', base, '--format', 'json'])
    assert.equal(JSON.parse(json.stdout).data.length, 2)
  })
})
