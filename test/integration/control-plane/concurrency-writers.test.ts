import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { startAtrium } from '../../support/cli-process.js'
import { httpCall } from '../../support/http-client.js'
import type { Db } from '../../../src/control-plane/store/db.js'
import { describeStores } from '../../support/stores.js'

// Two real `atrium control-plane` processes on one database write to the same runtime group at
// once: PUT /config, service creations, PATCHes of one service and deliberate name clashes. Every
// request answers 2xx (409 only for the clashes), config_version ends at the number of committed
// changes, config_changes holds exactly versions 1..N, and no write is lost.

interface Reply { status: number, body: any }
type Call = (method: string, path: string, body?: unknown) => Promise<Reply>

async function startCp (t: TestContext, dbUrl: string): Promise<Call> {
  const cp = startAtrium(['control-plane', '--db', dbUrl, '--admin-listen', '127.0.0.1:0', '--cluster-listen', '127.0.0.1:0'], { ATRIUM_LOG_LEVEL: 'info' })
  t.after(() => cp.stop())
  const { port } = await cp.waitForLog((l) => l.msg === 'admin listening', 30000) as unknown as { port: number }
  return async (method, path, body) => {
    const r = await httpCall(`http://127.0.0.1:${port}${path}`, {
      method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body)
    })
    let parsed: unknown
    try { parsed = r.body === '' ? undefined : JSON.parse(r.body) } catch { parsed = r.body }
    return { status: r.status, body: parsed }
  }
}

/** config_changes versions of the group, read straight from the database. */
async function recordedVersions (db: Db, groupId: string): Promise<number[]> {
  const rows = await db.query<{ config_version: unknown }>('SELECT config_version FROM config_changes WHERE runtime_group_id = $1 ORDER BY config_version', [groupId])
  return rows.map((r) => Number(r.config_version))
}

const SERVICE_IDS = Array.from({ length: 5 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`)

/** A valid document with fixed ids (so concurrent applies collide on them) and a distinct host. */
function configDocument (n: number): unknown {
  return {
    _format_version: '3.0',
    services: SERVICE_IDS.map((id, i) => ({
      id, name: `base-${i}`, host: `v${n}.internal`, port: 8080,
      routes: [{ id: id.replace('-8000-', '-9000-'), name: `base-${i}-route`, paths: [`/base-${i}`] }]
    }))
  }
}

const PATCHES: Array<Record<string, number>> = [
  { retries: 7 }, { connect_timeout: 7001 }, { write_timeout: 7002 }, { read_timeout: 7003 }
]

describeStores((store) => {
  test('two control plane processes writing to one group keep config_version gapless and lose no write', async (t) => {
    const a = await startCp(t, store.url)
    const b = await startCp(t, store.url)
    const cps = [a, b]
    const group = await a('POST', '/runtime-groups', { name: 'shared' })
    assert.equal(group.status, 201)

    // Concurrent whole-config replacements with the same entity ids.
    const applies = await Promise.all(Array.from({ length: 6 }, (_, n) => cps[n % 2]('PUT', '/runtime-groups/shared/config', configDocument(n))))
    assert.deepEqual(applies.map((r) => r.status), Array(6).fill(200), JSON.stringify(applies.map((r) => r.body)))
    let committed = applies.filter((r) => r.body.created + r.body.updated + r.body.deleted > 0).length
    const appliedVersions = applies.map((r) => r.body.config_version as number)
    assert.equal(new Set(appliedVersions).size, 6, `each apply has its own version: ${appliedVersions.join(',')}`)
    const last = applies[appliedVersions.indexOf(Math.max(...appliedVersions))]
    const lastN = applies.indexOf(last)
    const exported = await b('GET', '/runtime-groups/shared/config')
    assert.deepEqual(exported.body.services.map((s: any) => s.host), Array(5).fill(`v${lastN}.internal`), 'the last apply wins whole')

    // Many creations from both processes, PATCHes of one service on different fields, and name clashes.
    const creations = Array.from({ length: 80 }, (_, i) => cps[i % 2]('POST', '/runtime-groups/shared/services', { name: `svc-${i % 2 === 0 ? 'a' : 'b'}-${i}`, host: `h${i}.internal` }))
    const patches = PATCHES.map((fields, i) => cps[i % 2]('PATCH', '/runtime-groups/shared/services/base-0', fields))
    const clashes = Array.from({ length: 10 }, (_, i) => cps[i % 2]('POST', '/runtime-groups/shared/services', { name: `dup-${Math.floor(i / 2)}`, host: 'dup.internal' }))
    const [created, patched, clashed] = await Promise.all([Promise.all(creations), Promise.all(patches), Promise.all(clashes)])
    assert.deepEqual(created.map((r) => r.status), Array(80).fill(201), JSON.stringify(created.filter((r) => r.status !== 201).map((r) => r.body)))
    assert.deepEqual(patched.map((r) => r.status), Array(PATCHES.length).fill(200), JSON.stringify(patched.map((r) => r.body)))
    for (let pair = 0; pair < 5; pair++) {
      const statuses = [clashed[2 * pair].status, clashed[2 * pair + 1].status].sort()
      assert.deepEqual(statuses, [201, 409], `dup-${pair}: ${JSON.stringify(clashed.slice(2 * pair, 2 * pair + 2).map((r) => r.body))}`)
    }
    committed += created.length + patched.length + 5

    const services = await a('GET', '/runtime-groups/shared/services?size=1000')
    const names = new Set(services.body.data.map((s: any) => s.name as string))
    for (const r of created) assert.ok(names.has(r.body.name), `${r.body.name as string} is stored`)
    assert.equal(services.body.data.length, 5 + 80 + 5)
    const base0 = (await b('GET', '/runtime-groups/shared/services/base-0')).body
    for (const fields of PATCHES) for (const [k, v] of Object.entries(fields)) assert.equal(base0[k], v, `PATCH of ${k} kept`)

    const final = await b('GET', '/runtime-groups/shared')
    assert.equal(final.body.config_version, committed)
    assert.deepEqual(await recordedVersions(store.db, group.body.id), Array.from({ length: committed }, (_, i) => i + 1))
  })
})
