import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { runAtrium, startAtrium } from '../../support/cli-process.js'
import { startDnsServer } from '../../support/dns-server.js'
import { httpCall } from '../../support/http-client.js'
import { NODE_MODES } from '../../support/hybrid-plugin-node.js'
import { upstreamHealth, type PluginNode } from '../../support/plugin-gateway.js'
import { parseExposition, value } from '../../support/prometheus-text.js'
import { startUpstream } from '../../support/upstream.js'

// Targets named by a hostname, through a real node whose --dns-resolver is a DNS server the test
// controls (UDP on 127.0.0.1): every address of the name is a peer with the target's weight, the
// answer is renewed when its TTL runs out (and only then), a name that does not resolve is
// DNS_ERROR, a failing resolver leaves the last answer serving. The addresses are loopback ones
// (127.0.0.2, 127.0.0.3) with one server each on the same port. Every test runs on a DB-less node
// and on a node fed by the control plane.

/** One server per loopback address, all on one port, each answering with its address's last part. */
async function serversOnOnePort (t: TestContext, hosts: string[], seen: string[] = []): Promise<number> {
  let port = 0
  for (const host of hosts) {
    const up = await startUpstream(t, (req, res) => {
      seen.push(String(req.headers.host))
      res.end(host.split('.').pop())
    }, { host, port })
    port = up.port
  }
  return port
}

async function tally (node: PluginNode, n: number, path = '/x'): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (let i = 0; i < n; i++) {
    const res = await node.get(path)
    assert.equal(res.status, 200, res.body)
    counts[res.body] = (counts[res.body] ?? 0) + 1
  }
  return counts
}

async function waitUntil (what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await sleep(50)
  }
}

const doc = (upstreams: Array<{ name: string, targets: Array<{ target: string, weight?: number }> }>): Record<string, unknown> => ({
  _format_version: '3.0',
  upstreams,
  services: upstreams.map((u, i) => ({ name: `s${i}`, host: u.name, routes: [{ paths: [`/${u.name}`] }] }))
})

for (const [mode, startNode] of NODE_MODES) {
  test(`${mode}: every address of a target's name is a peer with the target's weight; Host is the name; no DNS query per request`, async (t) => {
    const dns = await startDnsServer(t)
    dns.set('api.atrium.test', { a: ['127.0.0.2', '127.0.0.3'], ttl: 300 })
    const hosts: string[] = []
    const port = await serversOnOnePort(t, ['127.0.0.2', '127.0.0.3'], hosts)
    const one = await startUpstream(t, (_req, res) => res.end('1'))
    const node = await startNode(t, doc([{ name: 'u', targets: [{ target: `api.atrium.test:${port}`, weight: 10 }, { target: `127.0.0.1:${one.port}`, weight: 10 }] }]), { dnsResolver: [dns.address] })
    const asked = dns.queries('api.atrium.test', 'A')
    assert.ok(asked >= 1, 'the node resolved the name before serving')
    // Three addresses of weight 10: each gets a third, exactly, over whole cycles.
    assert.deepEqual(await tally(node, 30, '/u'), { 1: 10, 2: 10, 3: 10 })
    assert.deepEqual([...new Set(hosts)], [`api.atrium.test:${port}`], 'Host is the target\'s name, not its address')
    assert.equal(dns.queries('api.atrium.test', 'A'), asked, 'a fresh answer is not asked again, however many requests')
    assert.equal(dns.queries('api.atrium.test', 'AAAA'), 0, 'a name with A records is not asked for AAAA (Kong\'s dns_order)')

    const health = (await upstreamHealth(node, 'u')).body.data
    assert.deepEqual(health.map((x: any) => [x.target, x.health, x.data.dns, x.data.weight]), [
      [`api.atrium.test:${port}`, 'HEALTHCHECKS_OFF', 'A', { total: 20, available: 20, unavailable: 0 }],
      [`127.0.0.1:${one.port}`, 'HEALTHCHECKS_OFF', 'A', { total: 10, available: 10, unavailable: 0 }]
    ])
    assert.deepEqual(health[0].data.addresses, [
      { ip: '127.0.0.2', port, weight: 10, health: 'HEALTHCHECKS_OFF' },
      { ip: '127.0.0.3', port, weight: 10, health: 'HEALTHCHECKS_OFF' }
    ])
  })

  test(`${mode}: when the TTL runs out the name is asked again and the peers follow the new answer`, async (t) => {
    const dns = await startDnsServer(t)
    dns.set('moving.atrium.test', { a: ['127.0.0.2', '127.0.0.3'], ttl: 1 })
    const port = await serversOnOnePort(t, ['127.0.0.2', '127.0.0.3'])
    const node = await startNode(t, doc([{ name: 'm', targets: [{ target: `moving.atrium.test:${port}` }] }]), { dnsResolver: [dns.address] })
    assert.deepEqual(await tally(node, 4, '/m'), { 2: 2, 3: 2 })
    const asked = dns.queries('moving.atrium.test', 'A')
    dns.set('moving.atrium.test', { a: ['127.0.0.3'], ttl: 1 })
    await waitUntil('only the address still in the answer gets traffic', async () => (await tally(node, 4, '/m'))[3] === 4)
    assert.ok(dns.queries('moving.atrium.test', 'A') > asked, 'the name was asked again')
    assert.deepEqual((await upstreamHealth(node, 'm')).body.data[0].data.addresses.map((a: any) => a.ip), ['127.0.0.3'])
    dns.set('moving.atrium.test', { a: ['127.0.0.2', '127.0.0.3'], ttl: 1 })
    await waitUntil('an address back in the answer gets traffic again', async () => (await tally(node, 4, '/m'))[2] === 2)
  })

  test(`${mode}: a name that does not resolve is DNS_ERROR (alone: Kong's 503 "failure to get a peer"); a failing resolver leaves the last answer serving`, async (t) => {
    const dns = await startDnsServer(t)
    dns.set('flaky.atrium.test', { a: ['127.0.0.2'], ttl: 1 })
    const port = await serversOnOnePort(t, ['127.0.0.2'])
    const node = await startNode(t, doc([
      { name: 'gone', targets: [{ target: `gone.atrium.test:${port}` }] },
      { name: 'flaky', targets: [{ target: `flaky.atrium.test:${port}` }] }
    ]), { dnsResolver: [dns.address] })

    const refused = await node.get('/gone')
    assert.equal(refused.status, 503)
    assert.equal(JSON.parse(refused.body).message, 'failure to get a peer from the ring-balancer')
    const gone = (await upstreamHealth(node, 'gone')).body.data[0]
    assert.equal(gone.health, 'DNS_ERROR')
    assert.deepEqual(gone.data.addresses, [])
    assert.match(gone.data.dns, /gone\.atrium\.test: name not found/)
    const metrics = parseExposition((await httpCall(`http://127.0.0.1:${node.dp.statusAddress.port}/metrics`)).body)
    assert.equal(value(metrics, 'atrium_upstream_target_health', { upstream: 'gone', target: `gone.atrium.test:${port}`, address: '', state: 'dns_error' }), 1)

    assert.equal((await node.get('/flaky')).body, '2')
    const asked = dns.queries('flaky.atrium.test', 'A')
    dns.set('flaky.atrium.test', 'servfail')
    await waitUntil('the resolver was asked again, and failed, twice', async () => dns.queries('flaky.atrium.test', 'A') >= asked + 2)
    assert.deepEqual(await tally(node, 3, '/flaky'), { 2: 3 }, 'the stale answer serves on while the resolver fails')
    assert.equal((await upstreamHealth(node, 'flaky')).body.data[0].health, 'HEALTHCHECKS_OFF')
  })
}

test('atrium data-plane --dns-resolver (or ATRIUM_DNS_RESOLVER) names the DNS servers of the target names; a bad value stops it', async (t) => {
  const dns = await startDnsServer(t)
  dns.set('cli.atrium.test', { a: ['127.0.0.2'], ttl: 300 })
  const port = await serversOnOnePort(t, ['127.0.0.2'])
  const dir = mkdtempSync(join(tmpdir(), 'atrium-dns-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'kong.json')
  writeFileSync(file, JSON.stringify(doc([{ name: 'c', targets: [{ target: `cli.atrium.test:${port}` }] }])))
  for (const [args, env] of [[['--dns-resolver', dns.address], {}], [[], { ATRIUM_DNS_RESOLVER: dns.address }]] as const) {
    const proc = startAtrium(['data-plane', '--config', file, '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0', ...args], env)
    t.after(async () => { await proc.stop() })
    const proxy = await proc.waitForLog((l) => l.msg === 'proxy listening')
    const res = await httpCall(`http://127.0.0.1:${String(proxy.port)}/c`)
    assert.equal(res.body, '2', res.body)
    await proc.stop()
  }
  const bad = await runAtrium(['data-plane', '--config', file, '--dns-resolver', '127.0.0.1:53,dns.example'])
  assert.equal(bad.code, 1)
  assert.match(bad.stderr, /--dns-resolver: expected DNS servers as IP, IPv4:PORT or \[IPv6\]:PORT, comma-separated \(got "dns.example"\)/)
})
