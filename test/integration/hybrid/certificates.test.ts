import { test } from 'node:test'
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { selfSigned } from '../../support/tls-cert.js'
import { expectStatus, groupWithConfig, startControlPlaneProcess, startNodeProcess, tempDir, waitUntil } from './hybrid-kit.js'

// Certificates through the control plane, end to end with real processes: a certificate and its
// SNIs written with the Admin API reach a real node, whose TLS proxy listener presents it to a
// client sending that server name; a renewal (PATCH), an SNI added on its own and a delete each
// change what the next handshake gets, each as a delta (the certificate row with its SNIs).

/** SHA-256 fingerprint of the certificate the listener presents for `servername`. */
async function presented (port: number, servername: string): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false })
  try {
    await new Promise<void>((resolve, reject) => { socket.once('secureConnect', resolve); socket.once('error', reject) })
    return socket.getPeerCertificate().fingerprint256
  } finally {
    socket.destroy()
  }
}

function fingerprint (pem: string): string {
  return new X509Certificate(pem).fingerprint256
}

test('a certificate created on the control plane is presented by a real node for its SNI; a renewal, a new SNI and a delete reach the next handshakes', async (t) => {
  const dir = tempDir(t)
  const cp = await startControlPlaneProcess(t, join(dir, 'cp.db'))
  const [{ token }] = await groupWithConfig(cp.call, 'prod', { _format_version: '3.0' })
  // Child-process nodes never bind 8443: the TLS listener on port 0, read from its log line.
  const node = await startNodeProcess(t, cp.url, token, join(dir, 'cache'), ['--proxy-tls-listen', '127.0.0.1:0'])
  const port = Number((await node.proc.waitForLog((l) => l.msg === 'proxy TLS listening')).port)
  // The first snapshot (empty) is in before any certificate is written, so each change is one delta.
  await node.proc.waitForLog((l) => l.msg === 'snapshot applied')
  const first = selfSigned(['api.example.test'])
  const renewed = selfSigned(['api.example.test'])
  const served = async (name: string, pem: string, what: string): Promise<void> => {
    let last = ''
    await waitUntil(() => `${what} (last fingerprint ${last})`, async () => (last = await presented(port, name)) === fingerprint(pem))
  }

  const created = await expectStatus(cp.call, 201, 'POST', '/runtime-groups/prod/certificates', { cert: first.cert, key: first.key, snis: ['api.example.test'] })
  await served('api.example.test', first.cert, 'the node presents the new certificate for api.example.test')
  assert.notEqual(await presented(port, 'elsewhere.example.test'), fingerprint(first.cert), 'another name does not get it')

  await expectStatus(cp.call, 200, 'PATCH', '/runtime-groups/prod/certificates/api.example.test', { cert: renewed.cert, key: renewed.key })
  await served('api.example.test', renewed.cert, 'a new handshake gets the renewed certificate')

  await expectStatus(cp.call, 201, 'POST', '/runtime-groups/prod/snis', { name: '*.more.example.test', certificate: { id: created.body.id } })
  await served('x.more.example.test', renewed.cert, 'an SNI added on its own is served')

  await expectStatus(cp.call, 204, 'DELETE', `/runtime-groups/prod/certificates/${String(created.body.id)}`)
  await waitUntil('the deleted certificate is no longer presented', async () => await presented(port, 'api.example.test') !== fingerprint(renewed.cert))
  // The node installs a snapshot before it logs it, so the handshake can see the delete before
  // its log line has crossed the pipe: wait for the fifth line rather than read the logs at once.
  const appliedLogs = (): typeof node.proc.logs => node.proc.logs.filter((l) => l.msg === 'snapshot applied')
  await waitUntil(() => `five snapshots applied (got ${appliedLogs().length})`, async () => appliedLogs().length >= 5)
  const applied = appliedLogs()
  assert.ok(applied.length >= 5 && applied.slice(1).every((l) => l.delta === true), `certificate changes reach the node as deltas: ${JSON.stringify(applied.map((l) => l.delta))}`)
  assert.equal(node.proc.logs.some((l) => l.msg.startsWith('delta does not fit')), false)
})
