import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAtrium, runAtrium } from '../../support/cli-process.js'
import { adminClient, connectNode } from './sync-kit.js'

test('atrium control-plane --cluster-listen serves /v1/sync to a node holding a token issued over the Admin API', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-cluster-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const cp = startAtrium(['control-plane', '--db', `sqlite:${join(dir, 'a.db')}`, '--admin-listen', '127.0.0.1:0', '--cluster-listen', '127.0.0.1:0'])
  t.after(() => cp.stop())
  const cluster = await cp.waitForLog((l) => l.msg === 'cluster listening') as unknown as { port: number, path: string, component: string }
  assert.equal(cluster.component, 'sync-server')
  const admin = await cp.waitForLog((l) => l.msg === 'admin listening') as unknown as { port: number }
  const call = adminClient(admin.port)
  await call('POST', '/runtime-groups', { name: 'prod' })
  const { token } = (await call('POST', '/runtime-groups/prod/data-plane-tokens', {})).body
  const node = await connectNode(t, `ws://127.0.0.1:${cluster.port}${cluster.path}`, token)
  node.hello()
  assert.equal((await node.next()).value.type, 'welcome')
  assert.equal((await node.nextSnapshot()).value.version, 0)
  await cp.waitForLog((l) => l.msg === 'node connected')
})

test('atrium control-plane rejects a --data-plane-purge-after that is not a positive number of seconds', async () => {
  const r = await runAtrium(['control-plane', '--db', 'sqlite::memory:', '--admin-listen', '127.0.0.1:0', '--cluster-listen', '127.0.0.1:0', '--data-plane-purge-after', '-5'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /--data-plane-purge-after/)
})
