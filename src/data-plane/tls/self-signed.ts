import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'

// A self-signed certificate for the proxy's TLS listener when none is configured (Kong generates
// one at first start too): an EC P-256 key and an X.509 v3 certificate for `localhost`, signed
// with ECDSA-SHA256, valid ten years. Node can sign but not write certificates, so the DER is built
// here; it holds only what clients check: subject, validity, key, and the name in subjectAltName.

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19'
}

function length (n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function tlv (tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  return Buffer.concat([Buffer.from([tag]), length(body.length), body])
}

const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c)

function oid (dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]]
  const out = [a * 40 + b]
  for (const v of rest) {
    const chunk = [v & 0x7f]
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift(0x80 | (x & 0x7f))
    out.push(...chunk)
  }
  return tlv(0x06, Buffer.from(out))
}

function time (d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z' // YYYYMMDDHHMMSSZ
  // UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5).
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso))
}

function name (commonName: string): Buffer {
  return seq(tlv(0x31, seq(oid(OID.commonName), tlv(0x0c, Buffer.from(commonName, 'utf8')))))
}

function toPem (label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`
}

export interface PemPair { cert: string, key: string }

export function selfSignedCertificate (host = 'localhost', now = new Date()): PemPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const serial = randomBytes(16)
  // A positive INTEGER in DER's minimal form: the first byte neither 0 (a needless leading zero) nor ≥ 0x80 (negative).
  serial[0] = (serial[0]! & 0x7f) | 0x01
  const notAfter = new Date(now.getTime())
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 10)
  const algorithm = seq(oid(OID.ecdsaWithSha256))
  const extensions = tlv(0xa3, seq(
    seq(oid(OID.basicConstraints), tlv(0x04, seq())),
    seq(oid(OID.subjectAltName), tlv(0x04, seq(tlv(0x82, Buffer.from(host, 'ascii')))))
  ))
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    algorithm,
    name(host),
    seq(time(new Date(now.getTime() - 60_000)), time(notAfter)),
    name(host),
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions
  )
  const signature = sign('sha256', tbs, privateKey)
  const cert = seq(tbs, algorithm, tlv(0x03, Buffer.from([0]), signature))
  return { cert: toPem('CERTIFICATE', cert), key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
}
