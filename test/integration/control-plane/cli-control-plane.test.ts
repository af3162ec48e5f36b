import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAtrium, runAtrium } from '../../support/cli-process.js'
import { httpCall } from '../../support/http-client.js'
import { describeStores } from '../../support/stores.js'
import { MIGRATIONS } from '../../../src/control-plane/store/migrations.js'

test('control-plane refuses a non-loopback admin listener without admin tokens', async () => {
  const r = await runAtrium(['control-plane', '--db', 'sqlite::memory:', '--admin-listen', '0.0.0.0:0'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /without admin tokens/)
})

test('control-plane rejects a --db URL it does not understand', async () => {
  const r = await runAtrium(['control-plane', '--db', 'mysql://x', '--admin-listen', '127.0.0.1:0'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /sqlite:PATH or postgres/)
})

test('control-plane creates the SQLite file with its folder and requires tokens when configured', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-cp-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'nested', 'folder', 'atrium.db')
  const cp = startAtrium(['control-plane', '--db', `sqlite:${file}`, '--admin-listen', '127.0.0.1:0'], { ATRIUM_ADMIN_TOKENS: 'admin:s3cret-admin,viewer:l00k-viewer' })
  t.after(() => cp.stop())
  const line = await cp.waitForLog((l) => l.msg === 'admin listening')
  assert.ok(existsSync(file))
  const base = `http://127.0.0.1:${line.port as number}`
  assert.equal((await httpCall(`${base}/openapi.json`)).status, 401)
  const doc = await httpCall(`${base}/openapi.json`, { headers: { authorization: 'Bearer l00k-viewer' } })
  assert.equal(doc.status, 200)
  assert.equal((JSON.parse(doc.body) as { openapi: string }).openapi, '3.1.0')
  assert.equal(await cp.stop(), 0)
})

test('control-plane logs the Service Hub UI and Dev Portal URLs from its actual listeners; / opens the UI', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-cp-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const cp = startAtrium(['control-plane', '--db', `sqlite:${join(dir, 'atrium.db')}`, '--admin-listen', '0.0.0.0:0', '--portal-listen', '127.0.0.1:0'], { ATRIUM_ADMIN_TOKENS: 'admin:s3cret-admin' })
  t.after(() => cp.stop())
  const admin = await cp.waitForLog((l) => l.msg === 'admin listening')
  const portal = await cp.waitForLog((l) => l.msg === 'dev portal listening')
  const ui = String((await cp.waitForLog((l) => l.msg === 'service hub ui')).url)
  assert.equal(ui, `http://127.0.0.1:${admin.port as number}/ui/`, 'a wildcard listener is shown as loopback')
  assert.equal((await cp.waitForLog((l) => l.msg === 'dev portal')).url, `http://127.0.0.1:${portal.port as number}/`)
  assert.equal((await httpCall(ui)).status, 200)
  const root = await httpCall(`http://127.0.0.1:${admin.port as number}/`)
  assert.equal(root.status, 302)
  assert.equal(root.headers.location, '/ui/')
  assert.equal(await cp.stop(), 0)
})

describeStores((store) => {
  test('control-plane migrates a fresh store once and restarts on it without re-running migrations', async (t) => {
    const fresh = await store.fresh(t)
    for (let round = 0; round < 2; round++) {
      const cp = startAtrium(['control-plane', '--db', fresh.url, '--admin-listen', '127.0.0.1:0'])
      t.after(() => cp.stop())
      await cp.waitForLog((l) => l.msg === 'admin listening')
      const opened = await cp.waitForLog((l) => l.msg === 'store opened')
      assert.deepEqual(opened.migrations_applied, round === 0 ? MIGRATIONS.map((m) => m.version) : [], `round ${round}`)
      assert.equal(await cp.stop(), 0)
    }
  })
})
