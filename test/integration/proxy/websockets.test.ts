import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { connect as netConnect } from 'node:net'
import { WebSocket } from 'ws'
import { startDataPlane } from '../../../src/data-plane/data-plane.js'
import { captureLogger, startPluginNode } from '../../support/plugin-gateway.js'
import { startTlsNode } from '../../support/tls-node.js'
import { httpCall } from '../../support/http-client.js'
import { selfSigned } from '../../support/tls-cert.js'
import { startWebSocketUpstream } from '../../support/websocket-upstream.js'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// WebSockets through a real node, as Kong OSS proxies them: the handshake takes the route's
// plugins (which can refuse it), the upstream gets Connection: Upgrade / Upgrade: websocket and the
// 101 comes back, then bytes flow both ways until either side closes; the service's read_timeout
// is the tunnel's idle timeout; wss:// to the gateway and a TLS upstream work; the handshake is
// counted in the metrics and open tunnels are a gauge. Clients and upstream are the `ws` library.

function service (port: number, extra: Record<string, unknown> = {}, protocol = 'http'): Record<string, unknown> {
  return { name: 'chat', url: `${protocol}://127.0.0.1:${port}`, ...extra, routes: [{ name: 'chat-route', paths: ['/chat'] }] }
}

interface Opened { ws: WebSocket, response: IncomingMessage }

/** Opens a client; rejects with the HTTP status when the handshake is refused. */
async function open (url: string, options: Record<string, unknown> = {}, protocols: string[] = []): Promise<Opened> {
  const ws = new WebSocket(url, protocols, options)
  return await new Promise((resolve, reject) => {
    ws.once('upgrade', (response) => {
      ws.once('open', () => resolve({ ws, response }))
    })
    ws.once('unexpected-response', (_req, res) => {
      res.resume()
      reject(Object.assign(new Error(`handshake refused: ${String(res.statusCode)}`), { status: res.statusCode, headers: res.headers }))
    })
    ws.once('error', reject)
  })
}

interface Message { data: Buffer, isBinary: boolean }
const inboxes = new WeakMap<WebSocket, { queue: Message[], waiting: Array<(m: Message) => void> }>()

/** Queues the client's messages as they arrive (several may come in one packet, before a waiter is back). */
function inboxOf (ws: WebSocket): { queue: Message[], waiting: Array<(m: Message) => void> } {
  let box = inboxes.get(ws)
  if (box !== undefined) return box
  const inbox = { queue: [] as Message[], waiting: [] as Array<(m: Message) => void> }
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const waiter = inbox.waiting.shift()
    if (waiter !== undefined) waiter({ data, isBinary })
    else inbox.queue.push({ data, isBinary })
  })
  inboxes.set(ws, inbox)
  box = inbox
  return box
}

async function nextMessage (ws: WebSocket): Promise<Message> {
  const box = inboxOf(ws)
  const queued = box.queue.shift()
  if (queued !== undefined) return queued
  return await new Promise((resolve) => box.waiting.push(resolve))
}

async function metric (statusPort: number, name: string): Promise<string[]> {
  const res = await httpCall(`http://127.0.0.1:${statusPort}/metrics`)
  return res.body.split('\n').filter((l) => l.startsWith(name))
}

test('a WebSocket echoes both ways through the proxy; the upstream gets the upgrade headers; a large binary message passes whole', async (t) => {
  const upstream = await startWebSocketUpstream(t)
  const node = await startPluginNode(t, { _format_version: '3.0', services: [service(upstream.port)] })
  const { ws, response } = await open(`${node.url.replace('http', 'ws')}/chat/room?x=1`, {}, ['chat.v1'])
  t.after(() => ws.terminate())
  assert.equal(response.statusCode, 101)
  assert.equal(response.headers.upgrade?.toLowerCase(), 'websocket')
  assert.equal(response.headers.connection?.toLowerCase(), 'upgrade')
  assert.equal(ws.protocol, 'chat.v1', 'Sec-WebSocket-Protocol is relayed both ways')
  const hs = upstream.handshakes[0]!
  assert.equal(hs.url, '/room?x=1', 'strip_path as for any request')
  assert.equal(hs.headers.upgrade, 'websocket')
  assert.match(String(hs.headers.connection), /upgrade/i)
  assert.equal(hs.headers['x-forwarded-proto'], 'http')
  assert.equal(hs.headers['x-forwarded-prefix'], '/chat')

  ws.send('hello')
  const text = await nextMessage(ws)
  assert.equal(text.data.toString(), 'hello')
  assert.equal(text.isBinary, false)
  const big = Buffer.alloc(4 * 1024 * 1024)
  for (let i = 0; i < big.length; i++) big[i] = i % 251
  ws.send(big)
  const echoed = await nextMessage(ws)
  assert.equal(echoed.isBinary, true)
  assert.ok(echoed.data.equals(big), 'the 4 MiB binary message comes back byte for byte')
  // The server side speaks first too.
  upstream.sockets[0]!.send('from upstream')
  assert.equal((await nextMessage(ws)).data.toString(), 'from upstream')
})

test('the route\'s plugins run on the handshake: key-auth, acl, ip-restriction and rate-limiting refuse it; a good key passes', async (t) => {
  const upstream = await startWebSocketUpstream(t)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    consumers: [
      { username: 'alice', keyauth_credentials: [{ key: 'alice-key' }], acls: [{ group: 'chatters' }] },
      { username: 'bob', keyauth_credentials: [{ key: 'bob-key' }] }
    ],
    services: [{
      ...service(upstream.port),
      routes: [
        { name: 'auth', paths: ['/auth'], plugins: [{ name: 'key-auth' }, { name: 'acl', config: { allow: ['chatters'] } }] },
        { name: 'ip', paths: ['/ip'], plugins: [{ name: 'ip-restriction', config: { deny: ['127.0.0.1'] } }] },
        { name: 'limited', paths: ['/limited'], plugins: [{ name: 'rate-limiting', config: { minute: 1, policy: 'local' } }] }
      ]
    }]
  })
  const base = node.url.replace('http', 'ws')
  await assert.rejects(open(`${base}/auth`), (err: { status: number }) => err.status === 401)
  await assert.rejects(open(`${base}/auth`, { headers: { apikey: 'bob-key' } }), (err: { status: number }) => err.status === 403, 'acl refuses bob')
  await assert.rejects(open(`${base}/ip`), (err: { status: number }) => err.status === 403)
  assert.equal(upstream.handshakes.length, 0, 'no refused handshake reached the upstream')

  const { ws } = await open(`${base}/auth`, { headers: { apikey: 'alice-key' } })
  t.after(() => ws.terminate())
  assert.equal(upstream.handshakes[0]!.headers['x-consumer-username'], 'alice')
  ws.send('as alice')
  assert.equal((await nextMessage(ws)).data.toString(), 'as alice')

  const first = await open(`${base}/limited`)
  t.after(() => first.ws.terminate())
  assert.equal(first.response.headers['x-ratelimit-limit-minute'], '1', 'the 101 carries the plugins\' response headers')
  await assert.rejects(open(`${base}/limited`), (err: { status: number }) => err.status === 429)
})

test('a tunnel closed by the client closes the upstream side, and one closed by the upstream closes the client; the gauge follows; the handshake is counted as 101', async (t) => {
  const upstream = await startWebSocketUpstream(t)
  const node = await startPluginNode(t, { _format_version: '3.0', services: [service(upstream.port)] })
  const statusPort = node.dp.statusAddress.port
  const url = `${node.url.replace('http', 'ws')}/chat`

  const a = await open(url)
  const b = await open(url)
  assert.deepEqual(await metric(statusPort, 'atrium_websocket_tunnels '), ['atrium_websocket_tunnels 2'])

  const serverA = upstream.sockets[0]!
  const serverClosed = once(serverA, 'close')
  a.ws.close(1000, 'bye')
  const [code, reason] = await serverClosed as [number, Buffer]
  assert.equal(code, 1000)
  assert.equal(reason.toString(), 'bye', 'the close frame passes through')

  const clientClosed = once(b.ws, 'close')
  upstream.sockets[1]!.terminate() // the upstream drops the TCP connection, no close frame
  const [abnormal] = await clientClosed as [number]
  assert.equal(abnormal, 1006, 'the client sees the connection gone')

  // Both tunnels are gone once the sockets have closed.
  let gauge: string[] = []
  for (let i = 0; i < 100; i++) {
    gauge = await metric(statusPort, 'atrium_websocket_tunnels ')
    if (gauge[0] === 'atrium_websocket_tunnels 0') break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  assert.deepEqual(gauge, ['atrium_websocket_tunnels 0'])
  const counted = await metric(statusPort, 'atrium_http_requests_total{')
  assert.ok(counted.some((l) => l.includes('route="chat-route"') && l.includes('code="101"') && l.endsWith(' 2')), counted.join('\n'))
})

test('read_timeout is the tunnel\'s idle timeout: a silent tunnel is closed, a talking one is not', async (t) => {
  const upstream = await startWebSocketUpstream(t)
  const node = await startPluginNode(t, { _format_version: '3.0', services: [service(upstream.port, { read_timeout: 400 })] })
  const url = `${node.url.replace('http', 'ws')}/chat`
  const talking = await open(url)
  t.after(() => talking.ws.terminate())
  const silent = await open(url)
  let talkingClosed = false
  talking.ws.on('close', () => { talkingClosed = true })
  inboxOf(talking.ws) // the ticks' echoes are queued from now on
  const closed = once(silent.ws, 'close')
  // Keep one tunnel busy (every 100 ms, well inside the idle timeout) until the other is closed.
  const timer = setInterval(() => talking.ws.send('tick'), 100)
  t.after(() => clearInterval(timer))
  await closed
  clearInterval(timer)
  assert.equal(talkingClosed, false, 'the tunnel with traffic stays open')
  talking.ws.send('still here')
  let reply = await nextMessage(talking.ws)
  while (reply.data.toString() === 'tick') reply = await nextMessage(talking.ws)
  assert.equal(reply.data.toString(), 'still here')
})

test('bytes the client sends right after its handshake (in the same packet) reach the upstream once the tunnel opens', async (t) => {
  const upstream = await startWebSocketUpstream(t)
  const node = await startPluginNode(t, { _format_version: '3.0', services: [service(upstream.port)] })
  const socket = netConnect(node.dp.proxyAddress.port, '127.0.0.1')
  t.after(() => socket.destroy())
  await once(socket, 'connect')
  // A masked text frame "ping" (RFC 6455 §5.2) right behind the handshake.
  const mask = Buffer.from([1, 2, 3, 4])
  const payload = Buffer.from('ping')
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))
  const frame = Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked])
  socket.write(Buffer.concat([Buffer.from('GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'), frame]))
  let received = Buffer.alloc(0)
  const end = Buffer.from('ping')
  while (!received.includes('\r\n\r\n') || received.indexOf(end, received.indexOf('\r\n\r\n')) < 0) {
    const [chunk] = await once(socket, 'data') as [Buffer]
    received = Buffer.concat([received, chunk])
  }
  const head = received.subarray(0, received.indexOf('\r\n\r\n')).toString()
  assert.match(head, /^HTTP\/1\.1 101 /)
  assert.match(head, /sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/i)
  // The echo: an unmasked text frame "ping".
  const body = received.subarray(received.indexOf('\r\n\r\n') + 4)
  assert.deepEqual([...body], [0x81, 4, ...payload])
})

test('an upstream that refuses the upgrade is relayed as it answered; an unknown path is Kong\'s 404; another Upgrade protocol is a plain request', async (t) => {
  const refusing = await startWebSocketUpstream(t, { refuse: 403 })
  const plain = await startWebSocketUpstream(t)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [
      { name: 'refusing', url: `http://127.0.0.1:${refusing.port}`, routes: [{ paths: ['/refusing'] }] },
      { name: 'plain', url: `http://127.0.0.1:${plain.port}`, routes: [{ paths: ['/plain'] }] }
    ]
  })
  const base = node.url.replace('http', 'ws')
  await assert.rejects(open(`${base}/refusing`), (err: { status: number }) => err.status === 403)
  assert.equal(refusing.handshakes.length, 1)
  await assert.rejects(open(`${base}/nowhere`), (err: { status: number }) => err.status === 404)

  const res = await httpCall(`${node.url}/plain`, { headers: { upgrade: 'h2c', connection: 'Upgrade, HTTP2-Settings', 'http2-settings': 'AAMAAABkAARAAAAAAAIAAAAA' } })
  assert.equal(res.status, 200)
  assert.equal(res.body, 'plain')
  assert.equal(plain.handshakes.length, 0)
  assert.equal(plain.plain[0]!.headers.upgrade, undefined, 'Upgrade is hop-by-hop: not forwarded')
})

test('wss:// to the gateway\'s TLS listener, and to a TLS upstream (service protocol https)', async (t) => {
  const upstreamCert = selfSigned(['127.0.0.1'])
  const upstream = await startWebSocketUpstream(t, { tls: upstreamCert })
  const gatewayCert = selfSigned(['chat.example.test'])
  const node = await startTlsNode(t, { _format_version: '3.0', services: [service(upstream.port, { tls_verify: false }, 'https')] }, { certificate: gatewayCert })
  const { ws } = await open(`wss://127.0.0.1:${node.tlsPort}/chat`, { ca: gatewayCert.cert, servername: 'chat.example.test' })
  t.after(() => ws.terminate())
  assert.equal(upstream.handshakes[0]!.headers['x-forwarded-proto'], 'https')
  ws.send('secure')
  assert.equal((await nextMessage(ws)).data.toString(), 'secure')
})

test('stopping the node closes its open tunnels', async (t) => {
  const upstream = await startWebSocketUpstream(t)
  const dir = mkdtempSync(join(tmpdir(), 'atrium-ws-stop-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'kong.json')
  writeFileSync(file, JSON.stringify({ _format_version: '3.0', services: [service(upstream.port)] }))
  const dp = await startDataPlane({ configFile: file, proxyListen: { host: '127.0.0.1', port: 0 }, statusListen: { host: '127.0.0.1', port: 0 }, logger: captureLogger().logger })
  const { ws } = await open(`ws://127.0.0.1:${dp.proxyAddress.port}/chat`)
  const clientClosed = once(ws, 'close')
  const serverClosed = once(upstream.sockets[0]!, 'close')
  await dp.close()
  await clientClosed
  await serverClosed
})

test('an open tunnel is not subject to the client header or send timeouts: a quiet tunnel outlives them', async (t) => {
  const upstream = await startWebSocketUpstream(t)
  const node = await startTlsNode(t, { _format_version: '3.0', services: [service(upstream.port)] }, {
    more: { clientLimits: { headerTimeoutMs: 200, bodyTimeoutMs: 200, sendTimeoutMs: 200 } }
  })
  const { ws } = await open(`${node.plainUrl.replace('http', 'ws')}/chat`)
  t.after(() => ws.terminate())
  let closed = false
  ws.on('close', () => { closed = true })
  await new Promise((resolve) => setTimeout(resolve, 1200)) // several header-check intervals past every limit
  assert.equal(closed, false)
  ws.send('still open')
  assert.equal((await nextMessage(ws)).data.toString(), 'still open')
})
