import assert from 'node:assert/strict'
import { once } from 'node:events'
import { Agent, request } from 'node:http'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { closeProxyServer } from '../../../src/data-plane/proxy/proxy-server.js'
import { httpCall } from '../../support/http-client.js'
import { startUpstream } from '../../support/upstream.js'
import { startGateway } from '../../support/gateway.js'

// A regression would hang in closeProxyServer (no keep-alive timeout to end it): the timeout turns that into a failure.
test('closing the proxy server lets an in-flight request finish, then closes its keep-alive connection itself', { timeout: 20_000 }, async (t) => {
  let answer: (() => void) | null = null
  const up = await startUpstream(t, (_req, res) => { answer = () => res.end('late') })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  // No keep-alive timeout at all: a close that waited for the idle connection to time out would never finish.
  gw.server.keepAliveTimeout = 0
  const agent = new Agent({ keepAlive: true })
  t.after(() => agent.destroy())
  const events: string[] = []
  let connectionClosed: Promise<unknown> | null = null
  const response = new Promise<string>((resolve, reject) => {
    request(`${gw.url}/`, { agent }, (res) => {
      connectionClosed = once(res.socket, 'close').then(() => events.push('connection closed'))
      let body = ''
      res.on('data', (c: Buffer) => { body += c.toString() })
      res.on('end', () => { events.push('response'); resolve(body) })
    }).on('error', reject).end()
  })
  while (answer === null) await sleep(5)
  const closed = closeProxyServer(gw.server).then(() => events.push('server closed'))
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(events, [], 'close waits for the request in flight')
  ;(answer as () => void)()
  assert.equal(await response, 'late')
  await closed
  await connectionClosed
  // Client and server share this process: the server may see its connection closed before the
  // client has emitted 'end', so only what happened is asserted, not the order after the answer.
  assert.deepEqual(events.sort(), ['connection closed', 'response', 'server closed'])
  await assert.rejects(httpCall(`${gw.url}/`))
})
