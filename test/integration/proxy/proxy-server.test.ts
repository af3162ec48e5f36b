import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { closeProxyServer } from '../../../src/data-plane/proxy/proxy-server.js'
import { httpCall } from '../../support/http-client.js'
import { startUpstream } from '../../support/upstream.js'
import { startGateway } from '../../support/gateway.js'

test('closing the proxy server lets an in-flight request finish, then closes its keep-alive connection', async (t) => {
  const up = await startUpstream(t, (_req, res) => { setTimeout(() => res.end('late'), 300) })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const agent = new Agent({ keepAlive: true })
  t.after(() => agent.destroy())
  const response = new Promise<string>((resolve, reject) => {
    request(`${gw.url}/`, { agent }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => { body += c.toString() })
      res.on('end', () => resolve(body))
    }).on('error', reject).end()
  })
  await sleep(100)
  const started = Date.now()
  await closeProxyServer(gw.server)
  assert.equal(await response, 'late')
  assert.ok(Date.now() - started < 5000, 'close waited for the keep-alive timeout')
  await assert.rejects(httpCall(`${gw.url}/`))
})
