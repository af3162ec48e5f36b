import { test } from 'node:test'
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpsRequest, Agent } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, type TLSSocket } from 'node:tls'
import { startDataPlane } from '../../../src/data-plane/data-plane.js'
import { captureLogger } from '../../support/plugin-gateway.js'
import { httpCall } from '../../support/http-client.js'
import { runAtrium, startAtrium } from '../../support/cli-process.js'
import { startTlsNode } from '../../support/tls-node.js'
import { selfSigned } from '../../support/tls-cert.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'

// The proxy's TLS listener through a real node: Kong's choice of certificate by SNI (exact, *.suffix
// one label deep, prefix.*, the SNI named *, then the default), a new config's certificates on new
// handshakes while open connections go on, TLS 1.2+ with resumption, X-Forwarded-Proto/Port from the
// TLS listener, and Kong's 426 or redirect for https-only routes reached over plain HTTP. Certificates
// are made in the test with openssl.

const exact = selfSigned(['api.example.test'])
const wild = selfSigned(['*.wild.example.test'])
const trailing = selfSigned(['pre.example'])
const any = selfSigned(['any.example'])
const fallback = selfSigned(['default.example'])

/** The CN of the certificate the listener presents for `servername` (none: no SNI sent). */
async function presented (port: number, servername?: string, extra: Record<string, unknown> = {}): Promise<{ cn: string, socket: TLSSocket }> {
  const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false, ...extra })
  await new Promise<void>((resolve, reject) => { socket.once('secureConnect', resolve); socket.once('error', reject) })
  const cn = socket.getPeerCertificate().subject.CN as string
  return { cn, socket }
}

const certificates = [
  { cert: exact.cert, key: exact.key, snis: ['api.example.test'] },
  { cert: wild.cert, key: wild.key, snis: [{ name: '*.wild.example.test' }] },
  { cert: trailing.cert, key: trailing.key, snis: ['pre.*'] },
  { cert: any.cert, key: any.key, snis: ['*'] }
]

function docWith (upstreamPort: number, certs: unknown[] = certificates): Record<string, unknown> {
  return {
    _format_version: '3.0',
    certificates: certs,
    services: [{
      name: 'echo',
      url: `http://127.0.0.1:${upstreamPort}`,
      routes: [
        { name: 'both', paths: ['/'] },
        { name: 'tls-only', paths: ['/secure'], protocols: ['https'] },
        { name: 'redirected', paths: ['/moved'], protocols: ['https'], https_redirect_status_code: 308 }
      ]
    }]
  }
}

test('Kong\'s certificate choice by SNI: exact, *.suffix (one label), prefix.*, the SNI named *, else the default', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const node = await startTlsNode(t, docWith(up.port), { certificate: fallback })
  const cases: Array<[string | undefined, string]> = [
    ['api.example.test', 'api.example.test'],
    ['API.Example.Test', 'api.example.test'],
    ['x.wild.example.test', '*.wild.example.test'],
    ['a.b.wild.example.test', 'any.example'],
    ['pre.anything', 'pre.example'],
    ['nothing.test', 'any.example'],
    [undefined, 'default.example']
  ]
  for (const [servername, cn] of cases) {
    const { cn: got, socket } = await presented(node.tlsPort, servername)
    socket.destroy()
    assert.equal(got, cn, `SNI ${servername ?? '(none)'}`)
  }
})

test('requests over TLS are proxied with X-Forwarded-Proto https and the TLS port; TLS 1.3 by default, 1.2 accepted, 1.1 refused', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const node = await startTlsNode(t, docWith(up.port), { certificate: fallback })
  const reply = await new Promise<{ status: number, body: any }>((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: node.tlsPort, path: '/secure?x=1', servername: 'api.example.test', headers: { host: 'api.example.test' }, ca: exact.cert, agent: false }, (res) => {
      let body = ''
      res.on('data', (c) => { body += String(c) })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }))
    })
    req.on('error', reject)
    req.end()
  })
  assert.equal(reply.status, 200, 'the https-only route is served over TLS, the certificate verified against its own CA')
  assert.equal(reply.body.headers['x-forwarded-proto'], 'https')
  assert.equal(reply.body.headers['x-forwarded-port'], String(node.tlsPort))
  assert.equal(reply.body.url, '/?x=1', 'strip_path as over plain HTTP')

  const first = await presented(node.tlsPort, 'api.example.test')
  assert.equal(first.socket.getProtocol(), 'TLSv1.3')
  first.socket.destroy()
  const v12 = await presented(node.tlsPort, 'api.example.test', { maxVersion: 'TLSv1.2' })
  assert.equal(v12.socket.getProtocol(), 'TLSv1.2')
  v12.socket.destroy()
  await assert.rejects(presented(node.tlsPort, 'api.example.test', { maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }))
})

test('a new config\'s certificates apply to new handshakes without a restart; an open TLS connection goes on', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const node = await startTlsNode(t, docWith(up.port), { certificate: fallback })
  const agent = new Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false })
  t.after(() => agent.destroy())
  const get = async (): Promise<{ status: number, cn: string }> => await new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: node.tlsPort, path: '/', servername: 'api.example.test', agent }, (res) => {
      const cn = (res.socket as TLSSocket).getPeerCertificate().subject.CN as string
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cn }))
    })
    req.on('error', reject)
    req.end()
  })
  assert.deepEqual(await get(), { status: 200, cn: 'api.example.test' })
  const replaced = selfSigned(['api.example.test', 'replaced.example'])
  writeFileSync(node.file, JSON.stringify(docWith(up.port, [{ cert: replaced.cert, key: replaced.key, snis: ['api.example.test'] }])))
  assert.equal((await node.dp.reload()).ok, true)
  assert.deepEqual(await get(), { status: 200, cn: 'api.example.test' }, 'the kept-alive connection carries on')
  const fresh = await presented(node.tlsPort, 'api.example.test')
  const san = fresh.socket.getPeerX509Certificate()?.subjectAltName
  fresh.socket.destroy()
  assert.equal(san, 'DNS:api.example.test, DNS:replaced.example', 'a new handshake gets the new certificate')
  const none = await presented(node.tlsPort, 'nothing.test')
  none.socket.destroy()
  assert.equal(none.cn, 'default.example', 'the * SNI went with the old config')
})

test('an https-only route reached over plain HTTP answers Kong\'s 426, or redirects with its https_redirect_status_code', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const node = await startTlsNode(t, docWith(up.port), { certificate: fallback })
  const refused = await httpCall(`${node.plainUrl}/secure`, { headers: { host: 'api.example.test' } })
  assert.equal(refused.status, 426)
  assert.deepEqual(JSON.parse(refused.body).message, 'Please use HTTPS protocol')
  assert.equal(refused.headers.connection, 'Upgrade')
  assert.equal(refused.headers.upgrade, 'TLS/1.2, HTTP/1.1')
  const moved = await httpCall(`${node.plainUrl}/moved/a?b=1&c`, { headers: { host: 'api.example.test:8000' } })
  assert.equal(moved.status, 308)
  assert.equal(moved.headers.location, 'https://api.example.test/moved/a?b=1&c')
  assert.equal(up.requests, 0, 'neither reached the upstream')
  assert.equal((await httpCall(`${node.plainUrl}/other`)).status, 200, 'a route for both protocols is served over plain HTTP')
})

test('without a certificate the node makes a self-signed one at first start, keeps it in its cache directory and serves the same one after a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-tls-default-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'kong.json')
  writeFileSync(file, JSON.stringify({ _format_version: '3.0' }))
  const seen: string[] = []
  for (let run = 0; run < 2; run++) {
    const dp = await startDataPlane({ configFile: file, proxyListen: { host: '127.0.0.1', port: 0 }, proxyTlsListen: { host: '127.0.0.1', port: 0 }, statusListen: { host: '127.0.0.1', port: 0 }, cacheDir: dir, logger: captureLogger().logger })
    const { socket } = await presented(dp.proxyTlsAddress?.port ?? 0, 'whatever.test')
    seen.push(socket.getPeerX509Certificate()?.fingerprint256 ?? '')
    socket.destroy()
    await dp.close()
  }
  assert.equal(seen[0], seen[1])
  assert.equal(new X509Certificate(readFileSync(join(dir, 'tls', 'default.crt'))).fingerprint256, seen[0])
})

test('atrium data-plane --proxy-tls-cert / --proxy-tls-key serve the default certificate; a key of another certificate stops it naming the flag', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-tls-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'kong.json'), JSON.stringify({ _format_version: '3.0' }))
  writeFileSync(join(dir, 'cert.pem'), fallback.cert)
  writeFileSync(join(dir, 'key.pem'), fallback.key)
  writeFileSync(join(dir, 'other-key.pem'), exact.key)
  const base = ['data-plane', '--config', join(dir, 'kong.json'), '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0', '--cache-dir', dir]
  const proc = startAtrium([...base, '--proxy-tls-listen', '127.0.0.1:0', '--proxy-tls-cert', join(dir, 'cert.pem'), '--proxy-tls-key', join(dir, 'key.pem')])
  t.after(async () => { await proc.stop() })
  const line = await proc.waitForLog((l) => l.msg === 'proxy TLS listening')
  const { cn, socket } = await presented(Number(line.port))
  socket.destroy()
  assert.equal(cn, 'default.example')
  const bad = await runAtrium([...base, '--proxy-tls-cert', join(dir, 'cert.pem'), '--proxy-tls-key', join(dir, 'other-key.pem')])
  assert.equal(bad.code, 1)
  assert.match(bad.stderr, /--proxy-tls-key: .*other-key\.pem: it does not match the certificate/)
  const off = startAtrium([...base, '--proxy-tls-listen', 'off'])
  t.after(async () => { await off.stop() })
  await off.waitForLog((l) => l.msg === 'proxy listening')
  assert.equal(off.logs.some((l) => l.msg === 'proxy TLS listening'), false, 'off: no TLS listener')
})

test('a TLS session resumes with its ticket', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const node = await startTlsNode(t, docWith(up.port, [{ cert: exact.cert, key: exact.key, snis: ['api.example.test'] }]), { certificate: fallback })
  const first = connect({ host: '127.0.0.1', port: node.tlsPort, servername: 'api.example.test', rejectUnauthorized: false })
  await new Promise((resolve) => first.once('secureConnect', resolve))
  // TLS 1.3 sends the ticket after the handshake: read the socket to receive it.
  const session = await new Promise<Buffer>((resolve) => { first.once('session', resolve); first.resume() })
  first.destroy()
  const again = connect({ host: '127.0.0.1', port: node.tlsPort, servername: 'api.example.test', rejectUnauthorized: false, session })
  await new Promise((resolve) => again.once('secureConnect', resolve))
  assert.equal(again.isSessionReused(), true)
  again.destroy()
})
