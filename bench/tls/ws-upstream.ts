// Bench WebSocket upstream: echoes every message. Prints `{"port": N}` once listening on 127.0.0.1.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'

const server = createServer()
const wss = new WebSocketServer({ server, perMessageDeflate: false })
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })))
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`))
process.on('SIGTERM', () => { for (const c of wss.clients) c.terminate(); server.close(); process.exit(0) })
