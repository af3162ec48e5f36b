import { test } from 'node:test'
import assert from 'node:assert/strict'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import { selfSignedCertificate } from '../../../src/data-plane/tls/self-signed.js'

// The TLS listener's self-signed default certificate: valid DER every time (its random serial once
// made 1 in 256 of them unparsable, which 2000 tries miss with odds below 1 in 2000), for localhost,
// self-verifying, ten years, usable by OpenSSL.

test('every self-signed certificate parses, names localhost, verifies with its own key and loads into a TLS context', () => {
  for (let i = 0; i < 2000; i++) {
    const pair = selfSignedCertificate()
    const cert = new X509Certificate(pair.cert)
    assert.equal(cert.subjectAltName, 'DNS:localhost')
    assert.equal(cert.verify(cert.publicKey), true)
    assert.equal(cert.checkPrivateKey(createPrivateKey(pair.key)), true)
    assert.doesNotThrow(() => createSecureContext({ cert: pair.cert, key: pair.key }))
  }
  const at = new Date('2030-06-01T00:00:00Z')
  const cert = new X509Certificate(selfSignedCertificate('localhost', at).cert)
  assert.equal(new Date(cert.validTo).toISOString(), '2040-06-01T00:00:00.000Z')
})
