import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { startUpstream } from '../../support/upstream.js'

// Without a lingering close the node closes its socket right after the early 413; the body the
// client keeps sending then gets a TCP reset and the client's writes fail (EPIPE/ECONNRESET),
// often before it has read the answer.
test('an early 413 is a lingering close: the client can finish sending its body, reads the answer, then gets FIN', { timeout: 20_000 }, async (t) => {
  const upstream = await startUpstream(t, (_req, res) => { res.end('never') })
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'up', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    plugins: [{ name: 'request-size-limiting', route: 'r', config: { allowed_payload_size: 1, size_unit: 'kilobytes' } }]
  })
  const port = Number(new URL(node.url).port)
  // Half-open, like a client still uploading: the node's FIN does not end our side.
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
  t.after(() => socket.destroy())
  let received = ''
  let socketError: Error | null = null
  let ended = false
  socket.on('data', (c: Buffer) => { received += c.toString('latin1') })
  socket.on('error', (err) => { socketError = err })
  socket.on('end', () => { ended = true })
  const total = 512 * 1024
  socket.write(`POST /r/x HTTP/1.1\r\nHost: gw\r\nContent-Length: ${total}\r\n\r\n`)
  while (!received.includes('\r\n\r\n') && socketError === null) await sleep(5)
  assert.match(received, /^HTTP\/1\.1 413 /)
  assert.match(received, /connection: close/i)
  const chunk = Buffer.alloc(16 * 1024, 'a')
  for (let sent = 0; sent < total && socketError === null; sent += chunk.length) {
    if (!socket.write(chunk)) await new Promise((resolve) => { socket.once('drain', resolve); socket.once('close', resolve) })
    await sleep(1)
  }
  socket.end()
  while (!ended && socketError === null && !socket.destroyed) await sleep(5)
  assert.equal(socketError, null, 'the rest of the body was read and dropped, not answered with a reset')
  assert.equal(ended, true)
  assert.ok(received.endsWith('{"message":"Request size limit exceeded"}'), received)
})
