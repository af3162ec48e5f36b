import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { httpCall } from '../../support/http-client.js'
import { runAtrium } from '../../support/cli-process.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'
import { startNodeProcess, tempDir, waitUntil } from '../hybrid/hybrid-kit.js'
import { startHub } from '../ui/hub-kit.js'
import { PETSTORE, REPOS_31, USERS_SWAGGER } from './spec-documents.js'

// Routes from a version's API spec, end to end: three specs shaped like real ones imported into a
// version's implementation (a dry run first, which writes nothing), every operation's request routed
// by a real node to the route made for it with the path the spec documents, the routes read back
// into exactly the spec's operations, a second import changing nothing; options, a re-import after
// the spec changed (plugins and hand-made routes kept), and the errors.

/** A request path for a template: every {param} a value. */
const sample = (template: string): string => template.replace(/\{[^}]+\}/g, 'v42')

test('routes from the API spec: dry run, import, every operation routed through a node, round trip, idempotence', async (t) => {
  const { base, cluster, call } = await startHub(t)
  const raw = async (method: string, path: string, body?: unknown): Promise<{ status: number, body: any }> => {
    const r = await httpCall(base + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    return { status: r.status, body: r.body === '' ? undefined : JSON.parse(r.body) }
  }
  const up = await startUpstream(t, echoHandler)
  await call('POST', '/runtime-groups', { name: 'production' })
  const { token } = await call('POST', '/runtime-groups/production/data-plane-tokens', {})
  const node = await startNodeProcess(t, cluster, token as string, join(tempDir(t), 'node'))

  const specs: Array<[string, Record<string, unknown>, string]> = [['Petstore', PETSTORE, '/v1'], ['Users', USERS_SWAGGER, '/api/v2'], ['Repos', REPOS_31, '/v3']]
  for (const [name, spec, basePath] of specs) {
    await t.test(`${name}: imported, and every operation goes to its route through the node`, async () => {
      const pkg = await call('POST', '/service-packages', { name })
      const vpath = `/service-packages/${pkg.id as string}/versions/v1`
      await call('POST', `/service-packages/${pkg.id as string}/versions`, { version: 'v1', runtime_group: 'production' })
      await call('PUT', `${vpath}/implementation`, { service: { name: `${name.toLowerCase()}-v1`, url: `http://127.0.0.1:${up.port}` } })
      await call('PUT', `${vpath}/spec`, spec)
      const operations = Object.entries(spec.paths as Record<string, Record<string, unknown>>)
        .flatMap(([path, item]) => Object.keys(item).filter((k) => k !== 'parameters').map((m) => ({ method: m.toUpperCase(), path })))

      const before = (await call('GET', '/runtime-groups/production')).config_version
      const dry = await call('POST', `${vpath}/implementation/routes-from-spec`, { dry_run: true })
      assert.equal(dry.dry_run, true)
      assert.equal(dry.diff.create.length, operations.length, 'a route per operation')
      assert.ok(dry.diff.create.every((d: any) => d.kind === 'route'))
      assert.equal((await call('GET', '/runtime-groups/production')).config_version, before, 'the dry run wrote nothing')

      const done = await call('POST', `${vpath}/implementation/routes-from-spec`, {})
      assert.equal(done.config_version, before + 1)
      // Parameter names come back as the capture names RE2 takes (`{user-id}` → `{user_id}`).
      const unnamed = (o: { method: string, path: string }): string => `${o.method} ${o.path.replace(/\{[^}]*\}/g, '{}')}`
      const served = done.routes.flatMap((r: any) => r.operations.map(unnamed)).sort()
      assert.deepEqual(served, operations.map(unnamed).sort(), 'the routes read back into the spec\'s operations')
      for (const r of done.routes) {
        assert.deepEqual(r.tags, ['atrium-spec'])
        assert.equal(r.strip_path, false)
        assert.ok(r.name.startsWith(`${name.toLowerCase()}-v1-`), r.name)
      }

      const again = await call('POST', `${vpath}/implementation/routes-from-spec`, {})
      assert.deepEqual(again.diff, { create: [], update: [], delete: [] }, 'a second import changes nothing')
      assert.equal(again.config_version, done.config_version)

      const routeOf = new Map<string, string>()
      for (const r of done.routes) for (const o of r.operations) routeOf.set(unnamed(o), r.name as string)
      await waitUntil(`the node has ${name}'s routes`, async () => (await node.status()).config_version === done.config_version, 15_000)
      for (const op of operations) {
        const path = `${basePath}${sample(op.path)}`
        const explained = await call('POST', '/runtime-groups/production/routes/explain', { method: op.method, path })
        assert.equal(explained.route?.name, routeOf.get(unnamed(op)), `${op.method} ${path}`)
        const r = await httpCall(`${node.proxy}${path}?q=1`, { method: op.method })
        assert.equal(r.status, 200, `${op.method} ${path}: ${r.body}`)
        if (op.method !== 'HEAD') assert.equal(JSON.parse(r.body).url, `${path}?q=1`, 'the upstream gets the path the spec documents')
      }
      assert.equal((await httpCall(`${node.proxy}${basePath}${sample(operations[0].path)}/x/y/z`, { method: operations[0].method })).status, 404, 'exact paths, not prefixes')
    })
  }

  await t.test('options: a route per path, static paths as prefixes; errors name the field', async () => {
    const vpath = '/service-packages/users/versions/v1'
    const perPath = await call('POST', `${vpath}/implementation/routes-from-spec`, { grouping: 'path', static_paths: 'prefix', dry_run: true })
    const users = perPath.routes.find((r: any) => r.name === 'users-v1-users')
    assert.deepEqual([users.paths, users.methods], [['/api/v2/users'], ['GET', 'POST']])
    const byId = perPath.routes.find((r: any) => r.name === 'users-v1-users-user-id')
    assert.deepEqual(byId.paths, ['~/api/v2/users/(?<user_id>[^#?/]+)$'])
    assert.deepEqual(byId.methods, ['GET', 'PUT', 'DELETE'])
    assert.ok(perPath.routes.find((r: any) => r.name === 'users-v1-users-me').regex_priority > byId.regex_priority, '/users/me beats /users/{id}')
    const bad = await raw('POST', `${vpath}/implementation/routes-from-spec`, { grouping: 'tag', colour: 1 })
    assert.equal(bad.status, 400)
    assert.deepEqual(Object.keys(bad.body.fields).sort(), ['colour', 'grouping'])
    const pkg = await call('POST', '/service-packages', { name: 'No spec' })
    await call('POST', `/service-packages/${pkg.id as string}/versions`, { version: 'v1', runtime_group: 'production' })
    const noImpl = await raw('POST', `/service-packages/${pkg.id as string}/versions/v1/implementation/routes-from-spec`, {})
    assert.equal(noImpl.status, 409)
    assert.match(noImpl.body.message, /no implementation/)
    await call('PUT', `/service-packages/${pkg.id as string}/versions/v1/implementation`, { service: { name: 'nospec-v1', url: 'http://127.0.0.1:9' } })
    const noSpec = await raw('POST', `/service-packages/${pkg.id as string}/versions/v1/implementation/routes-from-spec`, {})
    assert.equal(noSpec.status, 409)
    assert.match(noSpec.body.message, /no API spec/)
  })

  await t.test('atrium routes from-spec: the dry run prints the diff and the routes, then the import', async () => {
    const pkg = await call('POST', '/service-packages', { name: 'Cli' })
    await call('POST', `/service-packages/${pkg.id as string}/versions`, { version: 'v1', runtime_group: 'production' })
    await call('PUT', `/service-packages/${pkg.id as string}/versions/v1/implementation`, { service: { name: 'cli-v1', url: `http://127.0.0.1:${up.port}` } })
    await call('PUT', `/service-packages/${pkg.id as string}/versions/v1/spec`, PETSTORE)
    const args = ['routes', 'from-spec', 'Cli', 'v1', '--runtime-group', 'production', '--grouping', 'path', '--admin-url', base]
    const dry = await runAtrium([...args, '--dry-run'])
    assert.equal(dry.code, 0, dry.stderr)
    assert.match(dry.stdout, /^\+ route cli-v1-pets \(/m)
    assert.match(dry.stdout, /^2 to create, 0 to update, 0 to delete$/m)
    assert.match(dry.stdout, /^route cli-v1-pets-petId: GET ~\/v1\/pets\/\(\?<petId>\[\^#\?\/\]\+\)\$ {2}\(GET \/pets\/\{petId\}\)$/m)
    assert.match(dry.stdout, /^dry run: Cli v1 not changed$/m)
    const done = await runAtrium(args)
    assert.equal(done.code, 0, done.stderr)
    assert.match(done.stdout, /^Cli v1: config version \d+$/m)
    const bad = await runAtrium(['routes', 'from-spec', 'Cli', 'v9', '--admin-url', base])
    assert.equal(bad.code, 1)
  })

  await t.test('after the spec changes: a route the spec dropped is deleted, a kept one keeps its plugin, a hand-made route stays', async () => {
    const vpath = '/service-packages/petstore/versions/v1'
    const serviceId = (await call('GET', `${vpath}/implementation`)).service.id as string
    await call('POST', `/runtime-groups/production/services/${serviceId}/routes`, { name: 'petstore-health', paths: ['/health'] })
    const show = (await call('GET', '/runtime-groups/production/routes/petstore-v1-showPetById')).id as string
    await call('POST', '/runtime-groups/production/plugins', { name: 'response-transformer', route: { id: show }, config: { add: { headers: ['x-pet:yes'] } } })
    const changed = structuredClone(PETSTORE) as any
    delete changed.paths['/pets'].post
    await call('PUT', `${vpath}/spec`, changed)
    const again = await call('POST', `${vpath}/implementation/routes-from-spec`, {})
    assert.deepEqual(again.diff.delete.map((d: any) => d.name), ['petstore-v1-createPets'])
    const routes = (await call('GET', `/runtime-groups/production/services/${serviceId}/routes`)).data.map((r: any) => r.name).sort()
    assert.deepEqual(routes, ['petstore-health', 'petstore-v1-listPets', 'petstore-v1-showPetById'])
    const plugins = (await call('GET', '/runtime-groups/production/plugins')).data
    assert.ok(plugins.some((p: any) => p.name === 'response-transformer' && p.route?.id === show), 'the plugin stays on its route')
  })
})
