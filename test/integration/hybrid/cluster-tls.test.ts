import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runAtrium } from '../../support/cli-process.js'
import { testCa } from '../../support/tls-cert.js'
import { startUpstream } from '../../support/upstream.js'
import { groupWithConfig, kongDoc, servedBy, startControlPlaneProcess, startNodeProcess, tempDir, waitUntil } from './hybrid-kit.js'

// The cluster link over TLS through real control-plane and node processes: nodes connect with wss://
// and verify the control plane against --cluster-ca-cert; a node trusting another CA does not
// connect; with --cluster-mtls the control plane also requires a node client certificate signed by
// its CA, checked in the handshake before the token. Certificates are made in the test (openssl).

const ca = testCa('Cluster CA')
const otherCa = testCa('Other CA')
const server = ca.issue('cp.cluster.test', ['DNS:localhost', 'IP:127.0.0.1'])
const client = ca.issue('dp-1', ['DNS:dp-1.cluster.test'])
const stranger = otherCa.issue('dp-2', ['DNS:dp-2.cluster.test'])

function files (t: TestContext): { dir: string, path: (name: string, text: string) => string } {
  const dir = tempDir(t)
  return { dir, path: (name, text) => { const p = join(dir, name); writeFileSync(p, text); return p } }
}

async function tlsControlPlane (t: TestContext, extra: string[] = []): Promise<{ cp: Awaited<ReturnType<typeof startControlPlaneProcess>>, url: string, token: string, dir: string, file: (name: string, text: string) => string }> {
  const f = files(t)
  const up = await startUpstream(t, (_req, res) => res.end('over wss'))
  const cp = await startControlPlaneProcess(t, join(f.dir, 'cp.db'), 0, ['--cluster-tls-cert', f.path('server.crt', server.cert), '--cluster-tls-key', f.path('server.key', server.key), ...extra])
  const [{ token }] = await groupWithConfig(cp.call, 'prod', kongDoc([{ name: 'svc', port: up.port, paths: ['/tls'] }]))
  return { cp, url: `wss://127.0.0.1:${cp.clusterPort}`, token: token as string, dir: f.dir, file: f.path }
}

test('a node verifying the control plane with --cluster-ca-cert syncs over wss://; one trusting another CA does not connect', async (t) => {
  const { url, token, dir, file } = await tlsControlPlane(t)
  const good = await startNodeProcess(t, url, token, join(dir, 'good'), ['--cluster-ca-cert', file('ca.crt', ca.cert)])
  await servedBy(good, '/tls', 200, 'over wss')
  assert.equal((await good.status()).control_plane.connected, true)

  const wrong = await startNodeProcess(t, url, token, join(dir, 'wrong'), ['--cluster-ca-cert', file('other.crt', otherCa.cert)])
  await waitUntil('the node reports why it cannot connect', async () => /certificate/i.test(String((await wrong.status()).control_plane.last_error ?? '')))
  assert.equal((await wrong.status()).control_plane.connected, false)
  assert.equal((await wrong.get('/tls')).status, 503, 'no config reached it')
})

test('with --cluster-mtls a node needs a client certificate signed by the cluster CA', async (t) => {
  const f = files(t)
  const { url, token, dir, file } = await tlsControlPlane(t, ['--cluster-mtls', '--cluster-ca-cert', f.path('ca.crt', ca.cert)])
  const caFile = file('ca.crt', ca.cert)
  const anonymous = await startNodeProcess(t, url, token, join(dir, 'anon'), ['--cluster-ca-cert', caFile])
  const foreign = await startNodeProcess(t, url, token, join(dir, 'foreign'), ['--cluster-ca-cert', caFile, '--cluster-tls-cert', file('s.crt', stranger.cert), '--cluster-tls-key', file('s.key', stranger.key)])
  const member = await startNodeProcess(t, url, token, join(dir, 'member'), ['--cluster-ca-cert', caFile, '--cluster-tls-cert', file('c.crt', client.cert), '--cluster-tls-key', file('c.key', client.key)])
  await servedBy(member, '/tls', 200, 'over wss')
  for (const node of [anonymous, foreign]) {
    await waitUntil('a node without the right client certificate has tried and failed', async () => (await node.status()).control_plane.last_error !== null)
    assert.equal((await node.status()).control_plane.connected, false)
    assert.equal((await node.get('/tls')).status, 503)
  }
})

test('--cluster-mtls without the CA, or a certificate without its key, stops the control plane with a usage error', async (t) => {
  const f = files(t)
  const base = ['control-plane', '--db', `sqlite:${join(f.dir, 'x.db')}`, '--admin-listen', '127.0.0.1:0', '--cluster-listen', '127.0.0.1:0']
  const noCa = await runAtrium([...base, '--cluster-tls-cert', f.path('s.crt', server.cert), '--cluster-tls-key', f.path('s.key', server.key), '--cluster-mtls'])
  assert.equal(noCa.code, 1)
  assert.match(noCa.stderr, /--cluster-mtls needs --cluster-tls-cert, --cluster-tls-key and --cluster-ca-cert/)
  const noKey = await runAtrium([...base, '--cluster-tls-cert', f.path('s2.crt', server.cert)])
  assert.equal(noKey.code, 1)
  assert.match(noKey.stderr, /--cluster-tls-cert and --cluster-tls-key go together/)
})
