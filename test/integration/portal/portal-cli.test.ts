import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAtrium, startAtrium } from '../../support/cli-process.js'
import { httpCall } from '../../support/http-client.js'

// `atrium control-plane --portal-listen` (and ATRIUM_PORTAL_LISTEN) serves the Dev Portal next to
// the Admin API; a bad address is a usage error.

test('atrium control-plane serves the Dev Portal on --portal-listen, the flag winning over ATRIUM_PORTAL_LISTEN', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-portal-cli-'))
  const cp = startAtrium(['control-plane', '--db', `sqlite:${join(dir, 'a.db')}`, '--admin-listen', '127.0.0.1:0', '--portal-listen', '127.0.0.1:0'], { ATRIUM_PORTAL_LISTEN: '127.0.0.1:1' })
  t.after(async () => { await cp.stop(); rmSync(dir, { recursive: true, force: true }) })
  const portal = await cp.waitForLog((l) => l.msg === 'dev portal listening')
  const admin = await cp.waitForLog((l) => l.msg === 'admin listening')
  assert.notEqual(portal.port, 1)
  const home = await httpCall(`http://127.0.0.1:${String(portal.port)}/`)
  assert.equal(home.status, 200)
  assert.match(home.body, /Atrium Dev Portal/)
  assert.match(String(home.headers['content-security-policy']), /frame-ancestors 'none'/)
  assert.equal((await httpCall(`http://127.0.0.1:${String(admin.port)}/service-packages`)).status, 200)
  assert.equal((await httpCall(`http://127.0.0.1:${String(portal.port)}/service-packages`)).status, 404)
})

test('atrium control-plane refuses a malformed --portal-listen', async () => {
  const r = await runAtrium(['control-plane', '--db', 'sqlite::memory:', '--admin-listen', '127.0.0.1:0', '--portal-listen', 'nowhere'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /--portal-listen: expected HOST:PORT/)
})
