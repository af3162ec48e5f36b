import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runAtrium, startAtrium, type AtriumProcess } from '../../support/cli-process.js'
import { kongDocument, startFakeControlPlane } from '../../support/fake-control-plane.js'
import { httpCall } from '../../support/http-client.js'
import { startUpstream } from '../../support/upstream.js'
import { isAckFor, isHello, stopOnExit, tempDir, waitUntil } from './helpers.js'

interface ChildNode {
  proc: AtriumProcess
  proxy: string
  status: () => Promise<Record<string, any>>
}

async function startChildNode (t: { after: (fn: () => Promise<unknown>) => void }, cpUrl: string, cacheDir: string): Promise<ChildNode> {
  const proc = startAtrium([
    'data-plane', '--control-plane', cpUrl, '--token', 'test-token', '--cache-dir', cacheDir,
    '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0', '--sync-backoff-max', '200'
  ])
  t.after(async () => await proc.stop())
  const proxyLine = await proc.waitForLog((l) => l.msg === 'proxy listening')
  const statusLine = await proc.waitForLog((l) => l.msg === 'status listening')
  const status = `http://127.0.0.1:${statusLine.port as number}/status`
  return {
    proc,
    proxy: `http://127.0.0.1:${proxyLine.port as number}`,
    status: async () => JSON.parse((await httpCall(status)).body) as Record<string, any>
  }
}

test('data-plane refuses --config with --control-plane, --control-plane without a token, and a bad backoff', async () => {
  const both = await runAtrium(['data-plane', '--config', 'x.yaml', '--control-plane', 'ws://127.0.0.1:8005', '--token', 't'])
  assert.equal(both.code, 1)
  assert.match(both.stderr, /--config and --control-plane are mutually exclusive/)
  const noToken = await runAtrium(['data-plane', '--control-plane', 'ws://127.0.0.1:8005'])
  assert.equal(noToken.code, 1)
  assert.match(noToken.stderr, /needs --token/)
  const http = await runAtrium(['data-plane', '--control-plane', 'http://127.0.0.1:8005', '--token', 't'])
  assert.equal(http.code, 1)
  assert.match(http.stderr, /ws:\/\/ or wss:\/\//)
  const backoff = await runAtrium(['data-plane', '--control-plane', 'ws://127.0.0.1:8005', '--token', 't', '--sync-backoff-max', 'soon'])
  assert.equal(backoff.code, 1)
  assert.match(backoff.stderr, /--sync-backoff-max/)
  const neither = await runAtrium(['data-plane'])
  assert.equal(neither.code, 1)
  assert.match(neither.stderr, /--config FILE .* or --control-plane URL/)
  const help = await runAtrium(['--help'])
  for (const word of ['--control-plane', '--token', '--cache-dir', '--sync-backoff-max', 'ATRIUM_CONTROL_PLANE', 'ATRIUM_TOKEN', 'ATRIUM_CACHE_DIR', 'ATRIUM_SYNC_BACKOFF_MAX']) {
    assert.ok(help.stdout.includes(word), `help mentions ${word}`)
  }
})

test('a node restarted while the control plane is down serves from its cache, then reconnects with the cached hash and receives what changed', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const upstream = await startUpstream(t, (req, res) => { req.resume(); res.end(`up ${req.url ?? ''}`) })
  const cacheDir = join(tempDir(t), 'cache')
  const first = cp.publish(kongDocument([{ name: 'svc', port: upstream.port, paths: ['/one'] }]))

  const node1 = await startChildNode(t, cp.url, cacheDir)
  await cp.waitFor(isAckFor(first.hash))
  assert.equal((await httpCall(`${node1.proxy}/one/a`)).body, 'up /a')
  const cached = JSON.parse(readFileSync(join(cacheDir, 'config-snapshot.json'), 'utf8')) as { hash: string }
  assert.equal(cached.hash, first.hash)
  // tls/: the TLS listener's self-signed default certificate (the test nodes listen with TLS on port 0).
  assert.deepEqual(readdirSync(cacheDir).sort(), ['config-snapshot.json', 'node-id', 'tls'])
  const nodeId = readFileSync(join(cacheDir, 'node-id'), 'utf8').trim()
  assert.equal(await node1.proc.stop(), 0)

  await cp.stop()
  const node2 = await startChildNode(t, cp.url, cacheDir)
  await node2.proc.waitForLog((l) => l.msg === 'config loaded from cache')
  assert.equal((await httpCall(`${node2.proxy}/one/b`)).body, 'up /b', 'serves from the cache with the control plane down')
  const down = await node2.status()
  assert.equal(down.control_plane.connected, false)
  assert.equal(down.config.hash, first.hash)
  assert.equal(down.config.version, first.version)

  // The control plane comes back with the same config: hello carries the cached hash, nothing is resent.
  const hellosBefore = cp.hellos().length
  await cp.start()
  const hello = (await cp.waitFor(isHello(hellosBefore + 1))).message
  assert.equal(hello.config_hash, first.hash)
  assert.equal(hello.node_id, nodeId, 'the node id survives the restart')
  await waitUntil('the node is connected', async () => (await node2.status()).control_plane.connected === true)
  assert.equal(cp.acks().length, 1)

  // A change made meanwhile arrives.
  const second = cp.publish(kongDocument([{ name: 'svc', port: upstream.port, paths: ['/two'] }]))
  await cp.waitFor(isAckFor(second.hash))
  assert.equal((await httpCall(`${node2.proxy}/two/c`)).body, 'up /c')
  assert.equal((await httpCall(`${node2.proxy}/one/c`)).status, 404)
})

test('a node started on a corrupted cache file warns, answers 503, and is served once the control plane is up', async (t) => {
  const cacheDir = tempDir(t)
  writeFileSync(join(cacheDir, 'config-snapshot.json'), '\u0000\u0000garbage')
  const cp = stopOnExit(t, await startFakeControlPlane())
  await cp.stop()
  const node = await startChildNode(t, cp.url, cacheDir)
  await node.proc.waitForLog((l) => l.level === 40 && /cached config is corrupted/.test(l.msg))
  const res = await httpCall(`${node.proxy}/svc`)
  assert.equal(res.status, 503)
  assert.equal(JSON.parse(res.body).message, 'no configuration loaded')

  const upstream = await startUpstream(t, (req, res) => { req.resume(); res.end('served') })
  await cp.start()
  const snapshot = cp.publish(kongDocument([{ name: 'svc', port: upstream.port, paths: ['/svc'] }]))
  await cp.waitFor(isAckFor(snapshot.hash))
  assert.equal((await httpCall(`${node.proxy}/svc`)).body, 'served')
})
