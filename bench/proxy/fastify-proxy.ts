// Baseline (c): fastify 5 + @fastify/http-proxy 11 (reply-from over undici), default options.
// Usage: node fastify-proxy.js <upstream port>
import Fastify from 'fastify'
import httpProxy from '@fastify/http-proxy'
import type { AddressInfo } from 'node:net'

const upstreamPort = Number(process.argv[2])
const app = Fastify({ logger: false })
await app.register(httpProxy, { upstream: `http://127.0.0.1:${upstreamPort}` })
await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as AddressInfo).port })}\n`)
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
