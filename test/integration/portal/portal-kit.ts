import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { pino } from 'pino'
import { startControlPlane, type ControlPlane } from '../../../src/control-plane/control-plane.js'
import { createAdminAuth } from '../../../src/control-plane/admin-api/auth.js'
import { httpCall, type SimpleResponse } from '../../support/http-client.js'
import { storeFor, type StoreKind, type SuiteStore } from '../../support/stores.js'
import { PETS_YAML, USERS_OPENAPI30_JSON, xssSpec } from './spec-fixtures.js'

// A control plane with its Dev Portal on a fresh store, an Admin API client, a portal client, and a
// catalog seeded with published and unpublished things. Everything unpublished carries SECRET in
// its name, title, description, content or spec, so a test can scan portal responses for it.

export const SECRET = 'UNPUBLISHEDzq7'

export interface PortalKit {
  cp: ControlPlane
  admin: (method: string, path: string, body?: unknown, contentType?: string) => Promise<{ status: number, body: any, text: string }>
  portal: (path: string, method?: string) => Promise<SimpleResponse>
  portalUrl: string
}

export async function startPortalKit (t: TestContext, target: SuiteStore | StoreKind): Promise<PortalKit> {
  const store = await storeFor(target)
  const cp = await startControlPlane({
    dbUrl: store.url,
    adminListen: { host: '127.0.0.1', port: 0 },
    portalListen: { host: '127.0.0.1', port: 0 },
    auth: createAdminAuth({}),
    logger: pino({ level: 'silent' })
  })
  t.after(async () => { await cp.close(); await store.drop() })
  const adminBase = `http://127.0.0.1:${cp.adminAddress.port}`
  const portalAddress = cp.portalAddress
  assert.ok(portalAddress !== null)
  const portalUrl = `http://127.0.0.1:${portalAddress.port}`
  return {
    cp,
    portalUrl,
    admin: async (method, path, body, contentType = 'application/json') => {
      const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
      const r = await httpCall(adminBase + path, { method, headers: body === undefined ? {} : { 'content-type': contentType }, body: text })
      let parsed: unknown
      try { parsed = r.body === '' ? undefined : JSON.parse(r.body) } catch {}
      return { status: r.status, body: parsed, text: r.body }
    },
    portal: async (path, method = 'GET') => await httpCall(portalUrl + path, { method })
  }
}

export interface Seeded {
  /** Version ids by name. */
  versions: Record<'v1prod' | 'v1staging' | 'v2hidden' | 'evil', string>
}

async function ok (p: Promise<{ status: number, text: string }>, what: string): Promise<any> {
  const r = await p
  assert.ok(r.status < 300, `${what}: ${r.status} ${r.text}`)
  return (r as { body?: unknown }).body
}

/**
 * pets (published, labels team=animals): v1 in production (published, spec, route with a host), v1
 * in staging (deprecated, route without host), v2 in production (unpublished, SECRET spec);
 * documents: guide (published) > details (published), SECRET-draft (unpublished) > orphan
 * (published but under an unpublished parent). secret-pkg (not published). evil (published) with
 * XSS payloads in markdown and spec.
 */
export async function seedCatalog (kit: PortalKit): Promise<Seeded> {
  const a = kit.admin
  for (const name of ['production', 'staging']) await ok(a('POST', '/runtime-groups', { name }), name)
  await ok(a('POST', '/service-packages', { name: 'Pets', slug: 'pets', description: 'Pets & friends <b>API</b>', labels: { team: 'animals' }, portal_published: true }), 'pets')
  const v1prod = (await ok(a('POST', '/service-packages/pets/versions', { version: 'v1', runtime_group: 'production', status: 'published' }), 'v1 prod')).id as string
  const v1staging = (await ok(a('POST', '/service-packages/pets/versions', { version: 'v1', runtime_group: 'staging', status: 'deprecated' }), 'v1 staging')).id as string
  const v2hidden = (await ok(a('POST', '/service-packages/pets/versions', { version: 'v2', runtime_group: 'production' }), 'v2')).id as string
  await ok(a('PUT', `/service-packages/pets/versions/${v1prod}/implementation`, { service: { name: 'pets-prod', url: 'http://127.0.0.1:9/pets' } }), 'impl prod')
  await ok(a('POST', '/runtime-groups/production/routes', { name: 'pets-public', paths: ['/pets'], hosts: ['api.example.com'], protocols: ['https'], service: { name: 'pets-prod' } }), 'route prod')
  await ok(a('PUT', `/service-packages/pets/versions/${v1staging}/implementation`, { service: { name: 'pets-staging', url: 'http://127.0.0.1:9/pets' } }), 'impl staging')
  await ok(a('POST', '/runtime-groups/staging/routes', { name: 'pets-staging', paths: ['/staging/pets'], methods: ['GET'], service: { name: 'pets-staging' } }), 'route staging')
  await ok(a('PUT', `/service-packages/pets/versions/${v1prod}/spec`, PETS_YAML, 'application/yaml'), 'spec v1')
  await ok(a('PUT', `/service-packages/pets/versions/${v1staging}/spec`, USERS_OPENAPI30_JSON, 'application/json'), 'spec v1 staging')
  await ok(a('PUT', `/service-packages/pets/versions/${v2hidden}/spec`, PETS_YAML.replace('Pets API', `Pets ${SECRET} API`).replace('List pets', `List ${SECRET} pets`), 'application/yaml'), 'spec v2')
  await ok(a('POST', '/service-packages/pets/documents', { title: 'Guide', slug: 'guide', status: 'published', content: '# Pets guide\n\nSome **bold** text and a [link](https://example.com).\n\n```js\nconst x = 1 < 2\n```\n' }), 'guide')
  await ok(a('POST', '/service-packages/pets/documents', { title: 'Details', slug: 'details', parent: 'guide', status: 'published', content: '## Details\n\n| a | b |\n|---|---|\n| 1 | 2 |\n' }), 'details')
  await ok(a('POST', '/service-packages/pets/documents', { title: `${SECRET} draft`, slug: 'draft', status: 'unpublished', content: `${SECRET} unreleased plans` }), 'draft')
  await ok(a('POST', '/service-packages/pets/documents', { title: `Orphan ${SECRET}`, slug: 'orphan', parent: 'draft', status: 'published', content: `${SECRET} under a draft` }), 'orphan')
  await ok(a('POST', '/service-packages', { name: `${SECRET} package`, slug: 'secret-pkg', description: `${SECRET} description`, labels: { team: 'hidden' } }), 'secret pkg')
  await ok(a('POST', '/service-packages/secret-pkg/versions', { version: 'v1', runtime_group: 'production', status: 'published' }), 'secret v1')
  await ok(a('POST', '/service-packages/secret-pkg/documents', { title: `${SECRET} doc`, slug: 'doc', status: 'published', content: SECRET }), 'secret doc')

  await ok(a('POST', '/service-packages', { name: 'Evil <script>window.__xss="name"</script>', slug: 'evil', description: '"><img src=x onerror="window.__xss=\'description\'">', labels: { kind: 'test' }, portal_published: true }), 'evil')
  const evil = (await ok(a('POST', '/service-packages/evil/versions', { version: 'v1', runtime_group: 'production', status: 'published' }), 'evil v1')).id as string
  await ok(a('PUT', `/service-packages/evil/versions/${evil}/spec`, xssSpec('xss-spec-marker'), 'application/json'), 'evil spec')
  await ok(a('POST', '/service-packages/evil/documents', { title: 'Payloads', slug: 'payloads', status: 'published', content: XSS_MARKDOWN }), 'evil doc')
  return { versions: { v1prod, v1staging, v2hidden, evil } }
}

export const XSS_MARKDOWN = [
  '# Payloads',
  '<script>window.__xss = "script"</script>',
  '<img src="x" onerror="window.__xss = \'img\'">',
  '<img src="y" onerror="alert(\'img\')">',
  '<script>alert("script")</script>',
  '[click me](javascript:window.__xss=\'link\')',
  '<a href="javascript:window.__xss=\'raw-link\'">raw link</a>',
  '<iframe src="javascript:window.__xss=\'iframe\'"></iframe>',
  '<svg onload="window.__xss=\'svg\'"><circle r="1"/></svg>',
  '<div style="background:url(javascript:window.__xss=\'style\')" onmouseover="window.__xss=\'hover\'">hover me</div>',
  '<form action="javascript:window.__xss=\'form\'"><button>go</button></form>',
  '![img](javascript:window.__xss=\'md-img\')',
  '<details open ontoggle="window.__xss=\'toggle\'"><summary>s</summary>x</details>',
  'Safe text after the payloads.'
].join('\n\n')
