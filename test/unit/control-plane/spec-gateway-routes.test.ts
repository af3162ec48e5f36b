import { test } from 'node:test'
import assert from 'node:assert/strict'
import RE2 from 're2'
import { operationsOf, routePathOf, routesOfSpec, specBasePath } from '../../../src/control-plane/catalog/spec-gateway-routes.js'
import { PETSTORE, REPOS_31, USERS_SWAGGER } from '../../integration/route-analysis/spec-documents.js'

// The mapping of spec paths onto Kong routes, and its round trip: routes read back into operations
// make a spec that maps onto the very same routes.

test('path templates become anchored regexes with one named capture per parameter; static paths exact or prefix', () => {
  assert.equal(routePathOf('/v1', '/orders/{id}', 'exact'), '~/v1/orders/(?<id>[^#?/]+)$')
  assert.equal(routePathOf('', '/orders', 'exact'), '~/orders$')
  assert.equal(routePathOf('', '/orders', 'prefix'), '/orders')
  assert.equal(routePathOf('', '/files/{name}.{ext}', 'prefix'), '~/files/(?<name>[^#?/]+)\\.(?<ext>[^#?/]+)$')
  assert.equal(routePathOf('', '/a/{user-id}/{1st}/{user-id}', 'exact'), '~/a/(?<user_id>[^#?/]+)/(?<p_1st>[^#?/]+)/(?<user_id_2>[^#?/]+)$')
  assert.equal(routePathOf('', '/v1.0/x+y', 'exact'), '~/v1\\.0/x\\+y$')
  const re = new RE2(routePathOf('/api', '/users/{id}', 'exact').slice(1))
  assert.ok(re.test('/api/users/42'))
  assert.ok(!re.test('/api/users/42/x'))
  assert.ok(!re.test('/api/users/'))
})

test('base paths: servers[0].url with its variables, relative or absolute; Swagger basePath', () => {
  assert.equal(specBasePath(PETSTORE), '/v1')
  assert.equal(specBasePath(USERS_SWAGGER), '/api/v2')
  assert.equal(specBasePath(REPOS_31), '/v3')
  assert.equal(specBasePath({ openapi: '3.0.0', servers: [{ url: '/relative/' }] }), '/relative')
  assert.equal(specBasePath({ openapi: '3.0.0', servers: [{ url: 'https://x.example.com' }] }), '')
  assert.equal(specBasePath({ openapi: '3.0.0' }), '')
})

test('names from operationId or method and path, unique; one route per path with grouping path', () => {
  const names = routesOfSpec(REPOS_31, 'repos', { grouping: 'operation', staticPaths: 'exact' }).map((r) => r.name)
  assert.deepEqual(names, ['repos-repos-get', 'repos-get-repos-owner-repo-issues', 'repos-issues-create', 'repos-issues-get', 'repos-issues-update', 'repos-delete-orgs-org-members-username'])
  const twice = routesOfSpec({ paths: { '/a': { get: { operationId: 'x' } }, '/b': { get: { operationId: 'x' } } } }, 's', { grouping: 'operation', staticPaths: 'exact' })
  assert.deepEqual(twice.map((r) => r.name), ['s-x', 's-x-2'])
})

test('round trip: the routes read back into operations make a spec with the same routes', () => {
  for (const spec of [PETSTORE, USERS_SWAGGER, REPOS_31]) {
    for (const grouping of ['operation', 'path'] as const) {
      const options = { grouping, staticPaths: 'exact' as const }
      const routes = routesOfSpec(spec, 'svc', options)
      const base = specBasePath(spec)
      const paths: Record<string, Record<string, unknown>> = {}
      for (const r of routes) for (const o of operationsOf(r, base)) (paths[o.path] ??= {})[o.method.toLowerCase()] = {}
      const again = routesOfSpec({ ...spec, paths }, 'svc', { ...options, grouping: 'path' })
      const key = (rs: typeof routes): string[] => rs.flatMap((r) => r.methods.map((m) => `${m} ${r.paths[0]}`)).sort()
      assert.deepEqual(key(again), key(routes))
    }
  }
})
