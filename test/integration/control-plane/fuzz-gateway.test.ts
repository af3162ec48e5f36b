import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startAdmin, type Call, type Reply } from './gateway-kit.js'
import { UNKNOWN_ID, bodyText, fuzzBody, fuzzSeed, pick, prng, rawBody, yamlBody, type Rng } from './fuzz-bodies.js'

// Random bodies at every write endpoint of runtime groups, gateway entities and the declarative
// config, on both stores. The endpoint list comes from GET /openapi.json, so a new write endpoint
// under /runtime-groups is fuzzed without touching this file. Every answer must be < 500; every
// error must be `{ code: ATRIUM_ERR_*, message, fields }` (a 400 INVALID naming at least one
// field); and a rejected write must leave every group's row and the fixture group's exported
// config byte-identical. Replay a failure with ATRIUM_FUZZ_SEED=<printed seed>;
// ATRIUM_FUZZ_BODIES sets the number of bodies per endpoint.

const RG = 'fz'
const SVC_ID = '5b1d0a52-3c1e-4f6a-9d2b-7e8f9a0b1c2d'
const RT_ID = '6c2e1b63-4d2f-4a7b-8e3c-8f9a0b1c2d3e'
const CONSUMER_ID = '7d3f2c74-5e3a-4b8c-9f4d-9a0b1c2d3e4f'
const PLUGIN_ID = '8e4a3d85-6f4b-4c9d-8a5e-0b1c2d3e4f5a'
const BODIES_PER_ENDPOINT = Number(process.env.ATRIUM_FUZZ_BODIES ?? 200)
/** Compare the exported config after every Nth rejection (and after every config-endpoint rejection). */
const FULL_CHECK_EVERY = 8

const BASE_CONFIG = {
  _format_version: '3.0',
  services: [{ id: SVC_ID, name: 'svc', url: 'http://up.internal:8080/api', routes: [{ id: RT_ID, name: 'rt', paths: ['/a'] }] }],
  consumers: [{ id: CONSUMER_ID, username: 'alice', custom_id: 'a-1' }],
  plugins: [{ id: PLUGIN_ID, name: 'correlation-id', service: 'svc', config: {} }]
}

interface Endpoint { method: string, template: string }

/** A valid body for the endpoint (n makes names fresh), the thing mutations start from. */
function validBody (r: Rng, e: Endpoint, n: number): unknown {
  const t = e.template
  const item = /\/\{[a-z_]+\}$/.test(t)
  if (t === '/runtime-groups') return { name: `g${n}`, description: 'fuzz', labels: { team: 'payments' } }
  if (t === '/runtime-groups/{rg}') return { name: RG, description: 'x', labels: { env: 'prod' } }
  if (t.endsWith('/config') || t.endsWith('/config/diff')) {
    return { ...BASE_CONFIG, services: [...BASE_CONFIG.services, { name: `s${n}`, host: 'h.internal', routes: [{ paths: ['~/items/\\d+$'], methods: ['GET'] }] }] }
  }
  if (t.includes('/services/{svc}/routes')) return { name: item ? 'rt' : `r${n}`, paths: ['/b', '~/items/\\d+$'], methods: ['GET', 'POST'], hosts: ['example.com', '*.example.org'], strip_path: false }
  if (t.includes('/services')) return item ? { name: 'svc', host: 'up.internal', port: 8081, path: '/api', protocol: 'https', enabled: true } : { name: `s${n}`, url: 'http://up.internal:8080/v1', retries: 3, connect_timeout: 1000, tags: ['t'], tls_verify: false }
  if (t.includes('/routes')) return { name: item ? 'rt' : `r${n}`, paths: ['/b', '~/items/\\d+$'], methods: ['GET'], hosts: ['example.com'], headers: { 'x-v': ['1'] }, service: pick(r, [{ name: 'svc' }, 'svc', { id: SVC_ID }]), protocols: ['http', 'https'], regex_priority: 1 }
  if (t.includes('/plugins')) return item ? { name: 'correlation-id', config: { echo_downstream: true }, service: { id: SVC_ID } } : { name: 'request-termination', instance_name: `i${n}`, config: { status_code: 403 }, service: 'svc', route: { name: 'rt' }, consumer: 'alice', enabled: true, protocols: ['http'], tags: ['t'] }
  if (t.includes('/consumers')) return { username: item ? 'alice' : `u${n}`, custom_id: item ? 'a-1' : `c${n}`, tags: ['t'] }
  return { name: `n${n}`, description: 'fuzz' } // an endpoint this file does not know yet: a generic body

}

const EVIL_REFS = ['nope', UNKNOWN_ID, 'SVC', '%00', '%F0%9F%98%80', 'x'.repeat(3000), '..', '%2F', SVC_ID.toUpperCase(), RT_ID, PLUGIN_ID, '%E2%80%AE', 'a%20b', '__proto__', 'constructor']

/** The concrete path: fixture entities mostly, unknown or odd references sometimes. */
function pathFor (r: Rng, e: Endpoint): string {
  const evilness = e.method === 'DELETE' ? 0.7 : 0.12
  const segments = e.template.split('/')
  return segments.map((s, i) => {
    if (!s.startsWith('{')) return s
    if (r() < evilness) return pick(r, EVIL_REFS)
    if (s === '{rg}') return RG
    if (s === '{svc}') return pick(r, ['svc', SVC_ID])
    const list = segments[i - 1]
    if (list === 'services') return pick(r, ['svc', SVC_ID])
    if (list === 'routes') return pick(r, ['rt', RT_ID])
    if (list === 'plugins') return PLUGIN_ID
    if (list === 'consumers') return pick(r, ['alice', CONSUMER_ID])
    return 'x'
  }).join('/') + (e.method === 'DELETE' && r() < 0.5 ? pick(r, ['?cascade=true', '?cascade=1', '?cascade=%00', '?cascade=maybe']) : '')
}

async function writeEndpoints (call: Call): Promise<Endpoint[]> {
  const doc = (await call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> }
  const out: Endpoint[] = []
  for (const [template, ops] of Object.entries(doc.paths)) {
    if (!template.startsWith('/runtime-groups')) continue
    for (const method of Object.keys(ops)) if (method !== 'get') out.push({ method: method.toUpperCase(), template })
  }
  return out
}

async function reseed (call: Call): Promise<void> {
  const g = await call('PUT', `/runtime-groups/${RG}`, { name: RG })
  assert.ok(g.status === 200 || g.status === 201, `reseed group: ${g.status} ${g.text}`)
  const c = await call('PUT', `/runtime-groups/${RG}/config`, BASE_CONFIG)
  assert.equal(c.status, 200, `reseed config: ${c.text}`)
}

/** Every group's row (config_version, updated_at, labels …): cheap, and catches stray groups. */
async function groupsFingerprint (call: Call): Promise<string> {
  return (await call('GET', '/runtime-groups?size=1000')).text
}

async function fullSnapshot (call: Call): Promise<string> {
  const config = await call('GET', `/runtime-groups/${RG}/config`)
  return `${await groupsFingerprint(call)}\n${String(config.headers['x-atrium-config-version'])}\n${config.text}`
}

function short (v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v)
  return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s
}

/** The error-shape problems of a non-2xx reply, or null. */
function errorShapeProblem (reply: Reply): string | null {
  const b = reply.body
  if (typeof b !== 'object' || b === null) return 'body is not a JSON object'
  if (typeof b.code !== 'string' || !/^ATRIUM_ERR_[A-Z_]+$/.test(b.code)) return `code ${String(b.code)} is not ATRIUM_ERR_*`
  if (typeof b.message !== 'string') return 'message is not a string'
  if (typeof b.fields !== 'object' || b.fields === null || Object.values(b.fields).some((v) => typeof v !== 'string')) return 'fields is not an object of strings'
  if (b.code === 'ATRIUM_ERR_ADMIN_INTERNAL' || /internal error/i.test(b.message)) return `an internal error reached the client: ${b.message}`
  if (reply.status === 400 && b.code === 'ATRIUM_ERR_ADMIN_INVALID' && Object.keys(b.fields).length === 0) return 'a 400 INVALID names no field'
  return null
}

describeStores((store) => {
  test('random bodies at every runtime-group and gateway write endpoint answer < 500 with stable error codes, and rejections change nothing', async (t) => {
    const seed = fuzzSeed()
    // Printed at once (not as a diagnostic at the end), so a run that kills the process still shows it.
    console.log(`[${store.kind}] ATRIUM_FUZZ_SEED=${seed}`)
    const r = prng(seed)
    const admin = await startAdmin(t, store)
    // ATRIUM_FUZZ_TRACE=1 prints each request before it is sent (for a crash that ends the process).
    const call: Call = async (method, path, body, headers) => {
      if (process.env.ATRIUM_FUZZ_TRACE === '1') console.error(`${method} ${path} ${String(headers?.['content-type'])} ${typeof body === 'string' ? body.slice(0, 4000) : JSON.stringify(body)}`)
      return await admin(method, path, body, headers)
    }
    const endpoints = await writeEndpoints(call)
    assert.ok(endpoints.length >= 20, `OpenAPI lists the write endpoints (${endpoints.length})`)
    await reseed(call)
    const failures: string[] = []
    const counts = { sent: 0, accepted: 0, rejected: 0, byStatus: {} as Record<string, number> }
    let before = await fullSnapshot(call)
    let fingerprint = await groupsFingerprint(call)
    const total = endpoints.length * BODIES_PER_ENDPOINT
    for (let i = 0; i < total && failures.length < 20; i++) {
      const e = endpoints[i % endpoints.length]
      const path = pathFor(r, e)
      const isConfig = e.template.endsWith('/config') || e.template.endsWith('/config/diff')
      let reply: Reply
      let shown: string
      const roll = r()
      if (e.method === 'DELETE') {
        shown = '(no body)'
        reply = await call('DELETE', path)
      } else if (roll < 0.12) {
        const raw = rawBody(r, validBody(r, e, i))
        shown = `raw ${String(raw.contentType)}: ${short(raw.text)}`
        reply = raw.text === undefined
          ? await call(e.method, path, undefined, raw.contentType === undefined ? {} : { 'content-type': raw.contentType })
          : await call(e.method, path, raw.text, { 'content-type': raw.contentType ?? '' })
      } else if (isConfig && roll < 0.3) {
        const yaml = yamlBody(r)
        shown = `yaml: ${short(yaml)}`
        reply = await call(e.method, path, yaml, { 'content-type': pick(r, ['application/yaml', 'text/yaml', 'application/x-yaml']) })
      } else {
        const text = bodyText(fuzzBody(r, validBody(r, e, i)))
        shown = short(text)
        reply = await call(e.method, path, text)
      }
      counts.sent++
      counts.byStatus[reply.status] = (counts.byStatus[reply.status] ?? 0) + 1
      const where = `#${i} ${e.method} ${short(path)} ${shown} → ${reply.status} ${short(reply.text)}`
      if (reply.status >= 500) { failures.push(`5xx: ${where}`); continue }
      const dryRun = isConfig && e.method === 'POST'
      if (reply.status < 300) {
        counts.accepted++
        // Accepted writes move the baseline; put the fixture back so later bodies hit it again.
        if (!dryRun) {
          await reseed(call)
          before = await fullSnapshot(call)
          fingerprint = await groupsFingerprint(call)
          continue
        }
      } else {
        counts.rejected++
        const problem = errorShapeProblem(reply)
        if (problem !== null) failures.push(`${problem}: ${where}`)
      }
      // A rejection, or a diff (which never writes): nothing may have changed.
      if (await groupsFingerprint(call) !== fingerprint) {
        failures.push(`rejected but a group changed: ${where}`)
      } else if (isConfig || counts.rejected % FULL_CHECK_EVERY === 0) {
        if (await fullSnapshot(call) !== before) failures.push(`rejected but the config changed: ${where}`)
      }
      if (failures.length > 0 && failures[failures.length - 1].includes('changed')) {
        await reseed(call)
        before = await fullSnapshot(call)
        fingerprint = await groupsFingerprint(call)
      }
    }
    t.diagnostic(`${store.kind}: ${endpoints.length} endpoints, ${JSON.stringify(counts)}`)
    assert.deepEqual(failures, [], `seed ${seed}: ${failures.length} failure(s)`)
    assert.ok(counts.rejected > counts.sent / 2, 'most random bodies are rejected')
    assert.ok(counts.accepted > 0, 'some random bodies are accepted (the valid ones at least)')
  })
})
