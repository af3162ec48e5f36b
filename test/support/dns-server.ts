import { createSocket } from 'node:dgram'
import { once } from 'node:events'
import { isIP } from 'node:net'
import type { TestContext } from 'node:test'

// A DNS server on 127.0.0.1 (UDP) that a test controls: each name answers with the A and AAAA
// records, TTL and failure the test sets now, and every question is counted, so a test can change
// an answer, see a node follow it, and check the node asked only when the TTL ran out.

export type DnsAnswer =
  | { a?: string[], aaaa?: string[], ttl: number }
  /** NXDOMAIN, SERVFAIL, or no answer at all (the client times out). */
  | 'nxdomain' | 'servfail' | 'drop'

export interface TestDnsServer {
  /** `127.0.0.1:PORT`, for --dns-resolver. */
  address: string
  /** Sets what `name` answers from now on (unknown names are NXDOMAIN). */
  set: (name: string, answer: DnsAnswer) => void
  /** Questions received for `name` (of type A or AAAA; every type when absent). */
  queries: (name: string, type?: 'A' | 'AAAA') => number
}

const TYPE_A = 1
const TYPE_AAAA = 28

export async function startDnsServer (t: TestContext): Promise<TestDnsServer> {
  const answers = new Map<string, DnsAnswer>()
  const asked = new Map<string, number>()
  const socket = createSocket('udp4')
  socket.on('message', (msg, from) => {
    const q = parseQuestion(msg)
    if (q === null) return
    const key = `${q.name}|${q.type}`
    asked.set(key, (asked.get(key) ?? 0) + 1)
    const answer = answers.get(q.name) ?? 'nxdomain'
    if (answer === 'drop') return
    socket.send(reply(msg, q, answer), from.port, from.address)
  })
  socket.bind(0, '127.0.0.1')
  await once(socket, 'listening')
  t.after(() => socket.close())
  return {
    address: `127.0.0.1:${socket.address().port}`,
    set: (name, answer) => { answers.set(name.toLowerCase(), answer) },
    queries: (name, type) => {
      const n = name.toLowerCase()
      if (type !== undefined) return asked.get(`${n}|${type === 'A' ? TYPE_A : TYPE_AAAA}`) ?? 0
      let sum = 0
      for (const [k, v] of asked) if (k.startsWith(`${n}|`)) sum += v
      return sum
    }
  }
}

interface Question { name: string, type: number, end: number }

function parseQuestion (msg: Buffer): Question | null {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return null
  const labels: string[] = []
  let at = 12
  while (at < msg.length) {
    const len = msg[at]!
    at++
    if (len === 0) break
    labels.push(msg.subarray(at, at + len).toString('ascii'))
    at += len
  }
  if (at + 4 > msg.length) return null
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(at), end: at + 4 }
}

function reply (query: Buffer, q: Question, answer: DnsAnswer): Buffer {
  const header = Buffer.alloc(12)
  query.copy(header, 0, 0, 2) // id
  const rd = query[2]! & 0x01
  const rcode = answer === 'nxdomain' ? 3 : answer === 'servfail' ? 2 : 0
  header[2] = 0x80 | 0x04 | rd // response, authoritative, recursion desired as asked
  header[3] = 0x80 | rcode // recursion available
  header.writeUInt16BE(1, 4)
  const records: Buffer[] = []
  if (typeof answer === 'object') {
    const ips = q.type === TYPE_A ? answer.a ?? [] : q.type === TYPE_AAAA ? answer.aaaa ?? [] : []
    for (const ip of ips) {
      const data = q.type === TYPE_A ? Buffer.from(ip.split('.').map(Number)) : ipv6Bytes(ip)
      const rr = Buffer.alloc(12)
      rr.writeUInt16BE(0xc00c, 0) // the question's name
      rr.writeUInt16BE(q.type, 2)
      rr.writeUInt16BE(1, 4) // IN
      rr.writeUInt32BE(answer.ttl, 6)
      rr.writeUInt16BE(data.length, 10)
      records.push(rr, data)
    }
  }
  header.writeUInt16BE(records.length / 2, 6)
  return Buffer.concat([header, query.subarray(12, q.end), ...records])
}

function ipv6Bytes (ip: string): Buffer {
  if (isIP(ip) !== 6) throw new Error(`not an IPv6 address: ${ip}`)
  const [head, tail] = ip.split('::') as [string, string | undefined]
  const h = head === '' ? [] : head.split(':')
  const t = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t]
  const out = Buffer.alloc(16)
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2))
  return out
}
