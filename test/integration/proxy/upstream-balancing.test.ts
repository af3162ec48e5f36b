import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { NODE_MODES } from '../../support/hybrid-plugin-node.js'
import { refusedPort, startUpstream, type TestUpstream } from '../../support/upstream.js'

// Kong's upstreams and targets through a real DB-less node and real target servers on 127.0.0.1:
// which target each request reaches, the Host it carries, retries on another target, and the 503
// when no target can be picked. Every test runs twice: on a DB-less node (the document as its file)
// and on a node fed by the control plane (the document applied with PUT /config).

interface Targets { servers: TestUpstream[], hosts: string[] }

/** `n` targets, each answering with its own index and the Host it received. */
async function targets (t: TestContext, n: number): Promise<Targets> {
  const hosts: string[] = []
  const servers: TestUpstream[] = []
  for (let i = 0; i < n; i++) {
    servers.push(await startUpstream(t, (req, res) => {
      hosts.push(String(req.headers.host))
      res.setHeader('content-type', 'text/plain')
      res.end(String(i))
    }))
  }
  return { servers, hosts }
}

async function tally (get: (path: string, headers?: Record<string, string>) => Promise<{ status: number, body: string }>, n: number, path = '/x', headers: () => Record<string, string> = () => ({})): Promise<number[]> {
  const counts: number[] = []
  for (let i = 0; i < n; i++) {
    const res = await get(path, headers())
    assert.equal(res.status, 200, res.body)
    const at = Number(res.body)
    counts[at] = (counts[at] ?? 0) + 1
  }
  return counts
}

for (const [mode, startNode] of NODE_MODES) {
  test(`${mode}: round-robin is exact over whole cycles (10/10/5 over 100 requests → 40/40/20); weight 0 gets nothing; Host is the target\'s`, async (t) => {
    const { servers, hosts } = await targets(t, 4)
    const node = await startNode(t, {
      _format_version: '3.0',
      upstreams: [{
        name: 'orders.upstream',
        targets: [
          { target: `127.0.0.1:${servers[0]!.port}`, weight: 10 },
          { target: `127.0.0.1:${servers[1]!.port}`, weight: 10 },
          { target: `127.0.0.1:${servers[2]!.port}`, weight: 5 },
          { target: `127.0.0.1:${servers[3]!.port}`, weight: 0 }
        ]
      }],
      services: [{ name: 'orders', host: 'orders.upstream', port: 1, routes: [{ paths: ['/'] }] }]
    })
    assert.deepEqual(await tally(node.get, 100), [40, 40, 20])
    assert.equal(servers[3]!.requests, 0)
    assert.deepEqual([...new Set(hosts)].sort(), servers.slice(0, 3).map((s) => `127.0.0.1:${s.port}`).sort(), 'Host is the picked target, with its port (the service port is not used)')
  })

  test(`${mode}: host_header replaces the target as Host; preserve_host keeps the client\'s; top-level targets reference their upstream`, async (t) => {
    const { servers, hosts } = await targets(t, 2)
    const node = await startNode(t, {
      _format_version: '3.0',
      upstreams: [{ name: 'a.up', host_header: 'api.internal' }, { name: 'b.up' }],
      targets: [{ target: `127.0.0.1:${servers[0]!.port}`, upstream: 'a.up' }, { target: `127.0.0.1:${servers[1]!.port}`, upstream: 'b.up' }],
      services: [
        { name: 'a', url: 'http://a.up/', routes: [{ paths: ['/a'] }] },
        { name: 'b', url: 'http://b.up/', routes: [{ paths: ['/b'], preserve_host: true }] }
      ]
    })
    assert.equal((await node.get('/a')).body, '0')
    assert.equal(hosts.pop(), `api.internal:${servers[0]!.port}`)
    assert.equal((await node.get('/b', { host: 'client.example' })).body, '1')
    assert.equal(hosts.pop(), 'client.example')
  })

  test(`${mode}: a failed attempt is retried on another target; no pickable target is Kong\'s 503`, async (t) => {
    const { servers } = await targets(t, 1)
    const dead = await refusedPort()
    const node = await startNode(t, {
      _format_version: '3.0',
      upstreams: [
        { name: 'mixed.up', targets: [{ target: `127.0.0.1:${dead}` }, { target: `127.0.0.1:${servers[0]!.port}` }] },
        { name: 'empty.up' },
        { name: 'zero.up', targets: [{ target: `127.0.0.1:${servers[0]!.port}`, weight: 0 }] }
      ],
      services: [
        { name: 'mixed', host: 'mixed.up', retries: 1, routes: [{ paths: ['/mixed'] }] },
        { name: 'empty', host: 'empty.up', routes: [{ paths: ['/empty'] }] },
        { name: 'zero', host: 'zero.up', routes: [{ paths: ['/zero'] }] }
      ]
    })
    for (let i = 0; i < 6; i++) {
      const res = await node.get('/mixed')
      assert.deepEqual([res.status, res.body], [200, '0'], 'the refused target is retried on the other one')
    }
    for (const path of ['/empty', '/zero']) {
      const res = await node.get(path)
      assert.equal(res.status, 503)
      assert.deepEqual(JSON.parse(res.body), { message: 'failure to get a peer from the ring-balancer', code: 'ATRIUM_ERR_PROXY_NO_PEER' })
    }
  })

  test(`${mode}: consistent hashing: the same header value always reaches the same target, values spread over all; a missing value uses the fallback`, async (t) => {
    const { servers } = await targets(t, 3)
    const node = await startNode(t, {
      _format_version: '3.0',
      upstreams: [{
        name: 'hash.up',
        hash_on: 'header',
        hash_on_header: 'x-user',
        hash_fallback: 'query_arg',
        hash_fallback_query_arg: 'u',
        targets: servers.map((s) => ({ target: `127.0.0.1:${s.port}` }))
      }],
      services: [{ name: 'h', host: 'hash.up', routes: [{ paths: ['/'] }] }]
    })
    const seen = new Map<string, string>()
    for (let round = 0; round < 3; round++) {
      for (let u = 0; u < 30; u++) {
        const res = await node.get('/x', { 'x-user': `user-${u}` })
        const first = seen.get(`user-${u}`)
        if (first === undefined) seen.set(`user-${u}`, res.body)
        else assert.equal(res.body, first, `user-${u} stays on its target`)
      }
    }
    assert.equal(new Set(seen.values()).size, 3, 'thirty keys reach every target')
    const byQuery = (await node.get('/x?u=user-7')).body
    assert.equal(byQuery, seen.get('user-7'), 'the fallback hashes the same value to the same target')
  })

  test(`${mode}: hash_on cookie: a request without the cookie gets one set, and sticks to its target with it`, async (t) => {
    const { servers } = await targets(t, 3)
    const node = await startNode(t, {
      _format_version: '3.0',
      upstreams: [{ name: 'sticky.up', hash_on: 'cookie', hash_on_cookie: 'sticky', hash_on_cookie_path: '/app', targets: servers.map((s) => ({ target: `127.0.0.1:${s.port}` })) }],
      services: [{ name: 's', host: 'sticky.up', routes: [{ paths: ['/app'] }] }]
    })
    const first = await node.get('/app/x')
    const setCookie = String(first.headers['set-cookie'])
    const m = /^sticky=([0-9a-f-]{36}); Path=\/app$/.exec(setCookie)
    assert.ok(m !== null, setCookie)
    for (let i = 0; i < 10; i++) {
      const res = await node.get('/app/x', { cookie: `other=1; sticky=${m[1]}` })
      assert.equal(res.body, first.body)
      assert.equal(res.headers['set-cookie'], undefined, 'a request with the cookie gets none')
    }
  })

  test(`${mode}: least-connections sends new requests to the target with fewer in flight`, async (t) => {
    let release: (() => void) | null = null
    const slow = await startUpstream(t, (_req, res) => { release = () => res.end('slow') })
    const fast = await startUpstream(t, (_req, res) => res.end('fast'))
    const node = await startNode(t, {
      _format_version: '3.0',
      upstreams: [{ name: 'lc.up', algorithm: 'least-connections', targets: [{ target: `127.0.0.1:${slow.port}` }, { target: `127.0.0.1:${fast.port}` }] }],
      services: [{ name: 's', host: 'lc.up', routes: [{ paths: ['/'] }] }]
    })
    const pending = node.get('/hold')
    while (release === null) await new Promise((resolve) => setTimeout(resolve, 5))
    for (let i = 0; i < 5; i++) assert.equal((await node.get('/x')).body, 'fast', 'the busy target is avoided')
    ;(release as () => void)()
    assert.equal((await pending).body, 'slow')
  })
}
