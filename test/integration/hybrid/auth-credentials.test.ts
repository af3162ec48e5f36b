import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { httpCall, type SimpleResponse } from '../../support/http-client.js'
import { startUpstream } from '../../support/upstream.js'
import { expectStatus, groupWithConfig, startControlPlaneProcess, startNodeProcess, tempDir, waitUntil, type NodeProcess } from './hybrid-kit.js'

// Credentials written on the control plane reach a node and authenticate there, end to end with
// real processes: a key-auth key and a basic-auth password created through the Admin API work on
// the node a moment later, stop working when deleted or changed, and neither the key nor the
// password is in what the node received (its cache file).

async function answers (node: NodeProcess, path: string, headers: Record<string, string>, status: number): Promise<SimpleResponse> {
  let last: SimpleResponse | null = null
  await waitUntil(() => `${path} answers ${status} (last: ${last === null ? 'none' : `${last.status} ${last.body.slice(0, 100)}`})`, async () => {
    last = await httpCall(node.proxy + path, { headers })
    return last.status === status
  })
  return last as unknown as SimpleResponse
}

const basic = (user: string, password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })

test('key-auth and basic-auth credentials managed on the control plane authenticate on a node; changes and deletes follow', async (t) => {
  const dir = tempDir(t)
  const up = await startUpstream(t, (req, res) => { req.resume(); res.end(`hello ${String(req.headers['x-consumer-username'])} via ${String(req.headers['x-credential-identifier'])}`) })
  const cp = await startControlPlaneProcess(t, join(dir, 'cp.db'))
  const [token] = await groupWithConfig(cp.call, 'production', {
    _format_version: '3.0',
    services: [{ name: 'orders', url: `http://127.0.0.1:${up.port}`, routes: [{ name: 'keys', paths: ['/keys'], plugins: [{ name: 'key-auth' }] }, { name: 'logins', paths: ['/logins'], plugins: [{ name: 'basic-auth' }, { name: 'acl', config: { allow: ['staff'] } }] }] }],
    consumers: [{ username: 'alice', keyauth_credentials: [{ key: 'from-the-file' }] }, { username: 'bob' }]
  })
  const node = await startNodeProcess(t, cp.url, token.token, join(dir, 'node'))
  await answers(node, '/keys/x', { apikey: 'from-the-file' }, 200)
  assert.equal((await httpCall(`${node.proxy}/keys/x`, { headers: { apikey: 'not-yet' } })).status, 401)

  const created = await expectStatus(cp.call, 201, 'POST', '/runtime-groups/production/consumers/bob/key-auth', { key: 'bob-new-key' })
  const ok = await answers(node, '/keys/x', { apikey: 'bob-new-key' }, 200)
  assert.equal(ok.body, `hello bob via ${String(created.body.id)}`)

  await expectStatus(cp.call, 201, 'POST', '/runtime-groups/production/consumers/bob/basic-auth', { username: 'bob', password: 'hunter2' })
  assert.equal((await answers(node, '/logins/x', basic('bob', 'hunter2'), 403)).body, JSON.stringify({ message: 'You cannot consume this service' }), 'authenticated, but not in the ACL group yet')
  await expectStatus(cp.call, 201, 'POST', '/runtime-groups/production/consumers/bob/acls', { group: 'staff' })
  await answers(node, '/logins/x', basic('bob', 'hunter2'), 200)
  assert.equal((await httpCall(`${node.proxy}/logins/x`, { headers: basic('bob', 'wrong') })).status, 401)

  await expectStatus(cp.call, 200, 'PATCH', '/runtime-groups/production/consumers/bob/basic-auth/bob', { password: 'correct-horse' })
  await answers(node, '/logins/x', basic('bob', 'hunter2'), 401)
  await answers(node, '/logins/x', basic('bob', 'correct-horse'), 200)

  await expectStatus(cp.call, 204, 'DELETE', `/runtime-groups/production/consumers/bob/key-auth/${String(created.body.id)}`)
  await answers(node, '/keys/x', { apikey: 'bob-new-key' }, 401)

  // What the node received and cached holds no key and no password.
  const cached = readdirSync(join(dir, 'node')).map((f) => { try { return readFileSync(join(dir, 'node', f)).toString('latin1') } catch { return '' } }).join('\n')
  assert.ok(cached.length > 0, 'the node cached its config')
  for (const secret of ['from-the-file', 'bob-new-key', 'hunter2', 'correct-horse']) assert.ok(!cached.includes(secret), `${secret} is not in the node's cache`)
})
