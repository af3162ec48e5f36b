// The Redis server the rate-limiting tests run against: ATRIUM_TEST_REDIS_URL, which
// scripts/run-tests.mjs (npm test) sets to a throwaway redis-server it starts for the run.
import { connect } from 'node:net'

export interface TestRedis {
  url: string
  host: string
  port: number
}

/** The test Redis; throws (failing the test) with the way to get one when the variable is unset. */
export function testRedis (): TestRedis {
  const url = process.env.ATRIUM_TEST_REDIS_URL
  if (url === undefined || url === '') {
    throw new Error('ATRIUM_TEST_REDIS_URL is not set: run the tests through `npm test` (scripts/run-tests.mjs starts a throwaway redis-server from Debian\'s redis-server package) or point the variable at a Redis server (redis://127.0.0.1:6379)')
  }
  const parsed = new URL(url)
  return { url, host: parsed.hostname, port: parsed.port === '' ? 6379 : Number(parsed.port) }
}

/**
 * Sends one command to the test Redis over a fresh connection and returns the raw RESP reply (for
 * assertions on keys the plugin wrote, without the client under test).
 */
export async function redisCommand (redis: TestRedis, ...args: string[]): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect(redis.port, redis.host)
    let data = ''
    socket.setEncoding('utf8')
    socket.setTimeout(2000, () => { socket.destroy(); reject(new Error('redis command timed out')) })
    socket.on('error', reject)
    socket.on('data', (c: string) => {
      data += c
      // One reply: a simple line, or a bulk/array whose parts have arrived (good enough for tests).
      if (data.endsWith('\r\n')) { socket.end(); resolve(data) }
    })
    socket.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''))
  })
}
