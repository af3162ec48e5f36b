// Random request bodies for the Admin API fuzz tests: mostly a valid body with one or two fields
// mutated (wrong types, huge or odd strings, bad hosts, urls and regexes, unknown references,
// prototype keys, deep nesting), some wholly random JSON values, some raw malformed payloads.
// Everything comes from one seeded PRNG, so a seed replays a run exactly.

import { prng, type Rng } from '../../support/prng.js'

export { prng, type Rng }

export function pick<T> (r: Rng, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]
}

/** The seed: ATRIUM_FUZZ_SEED when set (decimal or 0x…), else a fresh one printed by the caller. */
export function fuzzSeed (): number {
  const given = process.env.ATRIUM_FUZZ_SEED
  if (given !== undefined && given !== '') {
    const n = Number(given)
    if (!Number.isInteger(n)) throw new Error(`ATRIUM_FUZZ_SEED must be an integer, got "${given}"`)
    return n >>> 0
  }
  return Math.floor(Math.random() * 2 ** 32)
}

export const UNKNOWN_ID = '7d4e1c2a-9b3f-4e5d-8a6b-1c2d3e4f5a6b'

// Deep nesting is spliced into the body's text (bodyText), so the test itself never recurses
// thousands of levels; the server's JSON.parse sees the real thing.
const DEEP = /"\u0001deep:(\d+):(array|object)\u0001"/g

function nested (depth: number, asArray: boolean): string {
  return `\u0001deep:${depth}:${asArray ? 'array' : 'object'}\u0001`
}

/** The JSON text of a fuzz body, deep-nesting markers expanded. */
export function bodyText (body: unknown): string {
  return (JSON.stringify(body) ?? 'null').replace(DEEP, (_m, n: string, shape: string) => {
    const depth = Number(n)
    return shape === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
  })
}

function protoObject (key: string, inner: unknown): unknown {
  // JSON.parse makes `__proto__` an own key, as a hostile client's body would.
  return JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(inner)}}`)
}

/** Values that belong nowhere, or almost somewhere. */
function evilValue (r: Rng): unknown {
  switch (Math.floor(r() * 12)) {
    case 0: return pick(r, [null, true, false, 0, -1, 1.5, -0.0, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e-308, 65536, 70000])
    case 1: return pick(r, ['', ' ', 'x'.repeat(pick(r, [64, 256, 5000, 200_000])), '\u202e\u0301', 'ünïcødé', '😀'.repeat(40), '\ud800', '\uffff', '\u0000', 'a\u0000b', '\t\n\r', '\\', '"\'`'])
    case 2: return pick(r, ['~/(unclosed', '~/(a+)+$', '~/[z-a]', '~/\\', '~', '~/(?<n>x)\\k<n>', '~/(?=look)ahead', '/a//b', '/%zz', '/ a', 'no-slash', '/x?y=1', '/#frag', '~/'.padEnd(3000, '.*')])
    case 3: return pick(r, ['*.*.com', 'exa mple.com', 'host:99999', '[::1', '[::1]:80', '-bad-.com', 'a'.repeat(300) + '.com', '*', '*.', '.com', 'xn--', '1.2.3.4.5', 'h_st.internal', 'HOST.COM', 'ex\u00e4mple.com'])
    case 4: return pick(r, ['ftp://x', 'http://', 'http:/x', 'not a url', 'http://h:0', 'http://h:70000', 'http://user:pw@h/', 'https://h/p?q=1#f', '//h', 'http://[::1]:8080/', 'http://h/%zz', 'HTTP://H', 'grpc://h', 'http://h:-1'])
    case 5: return pick(r, ['nope', 'svc', 'rt', 'alice', UNKNOWN_ID, { id: UNKNOWN_ID }, { name: 'nope' }, { name: 'svc' }, { id: 12 }, { id: 'not-a-uuid' }, { username: 'alice' }, { id: null }, {}, [{ name: 'svc' }]])
    case 6: return pick(r, [[], [1, 'a', null, {}, []], ['GET', 7], [''], ['x'.repeat(1000)], Array.from({ length: 2000 }, (_, i) => `/p${i}`), [[['deep']]], [{ a: 1 }]])
    case 7: return pick(r, [{}, { a: 1 }, { nested: { deeper: [1, { x: null }] } }, { '': '' }, { 'a.b': 'c' }])
    case 8: return nested(pick(r, [20, 200, 2000, 5000, 50_000]), r() < 0.5)
    case 9: return protoObject(pick(r, ['__proto__', 'constructor', 'prototype']), pick<unknown>(r, [{ polluted: true }, { name: 'svc' }, { toString: 1 }, null, 'x']))
    case 10: return pick(r, ['true', '1', '0x10', '1e3', 'null', 'undefined', 'NaN', '[object Object]', 'GET', 'http', 'https'])
    default: return randomJson(r, 0)
  }
}

const KEYS = ['id', 'name', 'host', 'port', 'url', 'path', 'paths', 'hosts', 'methods', 'service', 'route', 'consumer', 'config', 'username', 'custom_id', 'labels', 'tags', 'protocols', 'routes', 'services', 'plugins', 'consumers', '_format_version', '', '__proto__', 'constructor']

export function randomJson (r: Rng, depth: number): unknown {
  const k = Math.floor(r() * (depth > 2 ? 5 : 7))
  if (k === 0) return null
  if (k === 1) return r() < 0.5
  if (k === 2) return pick(r, [0, -1, 1.5, 65536, 1e300])
  if (k === 3) return pick(r, ['', 'svc', 'rt', 'http://a.internal', 'ü', '3.0'])
  if (k === 4) return Array.from({ length: Math.floor(r() * 3) }, () => randomJson(r, depth + 1))
  const out: Record<string, unknown> = {}
  for (let i = Math.floor(r() * 4); i > 0; i--) Object.defineProperty(out, pick(r, KEYS), { value: randomJson(r, depth + 1), enumerable: true, writable: true, configurable: true })
  return out
}

type Path = Array<string | number>

/** Paths into a JSON value (objects and arrays, 6 levels at most), the root included as []. */
function pathsOf (value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at)
  if (at.length >= 6) return out
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out))
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out)
  return out
}

function containerAt (root: unknown, path: Path): any {
  let v: any = root
  for (const p of path) v = v[p]
  return v
}

function setOwn (target: any, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** One mutation of a deep copy of `valid`: replace, delete, add an unknown field, or duplicate. */
export function mutate (r: Rng, valid: unknown): unknown {
  let body: unknown
  try {
    body = structuredClone(valid)
  } catch {
    return valid // too deep to copy (a nesting mutation already): send it as is
  }
  const paths = pathsOf(body).filter((p) => p.length > 0)
  if (paths.length === 0) return evilValue(r)
  const path = pick(r, paths)
  const parent = containerAt(body, path.slice(0, -1))
  const key = path[path.length - 1]
  const what = r()
  if (what < 0.6) setOwn(parent, key, evilValue(r))
  else if (what < 0.75) {
    if (Array.isArray(parent)) parent.splice(key as number, 1)
    else delete parent[key]
  } else if (what < 0.9) {
    const target = typeof parent === 'object' && !Array.isArray(parent) ? parent : body
    setOwn(target, pick(r, ['colour', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'ID', 'Name', 'x'.repeat(300), '']), evilValue(r))
  } else if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]))
  else setOwn(parent, key, [parent[key], parent[key]])
  return body
}

/** A body: 75% a mutated valid body (one or two mutations), 10% valid as is, 15% random JSON. */
export function fuzzBody (r: Rng, valid: unknown): unknown {
  const roll = r()
  if (roll < 0.10) return structuredClone(valid)
  if (roll < 0.25) return randomJson(r, 0)
  const once = mutate(r, valid)
  return r() < 0.3 && typeof once === 'object' && once !== null ? mutate(r, once) : once
}

/** A raw payload and its content type, for malformed-request cases. */
export interface RawBody { text: string | undefined, contentType: string | undefined }

export function rawBody (r: Rng, valid: unknown): RawBody {
  const json = JSON.stringify(valid)
  switch (Math.floor(r() * 10)) {
    case 0: return { text: undefined, contentType: undefined }
    case 1: return { text: '', contentType: 'application/json' }
    case 2: return { text: json.slice(0, Math.max(1, Math.floor(json.length * r()))), contentType: 'application/json' }
    case 3: return { text: json, contentType: pick(r, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '', 'application/json-patch', '*/*']) }
    case 4: return { text: pick(r, ['{"a":1,}', "{'a':1}", '{"a":NaN}', '[1,2', 'undefined', '\uFEFF{}', '{"a":"\\ud800"}', '{"a":1}{"b":2}', '{"__proto__":{"x":1}}', '{"a":1,"a":2}']), contentType: 'application/json' }
    case 5: return { text: json, contentType: pick(r, ['application/json; charset=latin1', 'APPLICATION/JSON', 'application/vnd.kong+json', 'application/json;;', ' application/json ']) }
    case 6: return { text: Buffer.from([0xff, 0xfe, 0x7b, 0x7d, 0xc3]).toString('latin1'), contentType: 'application/json' }
    case 7: return { text: pick(r, ['null', 'true', '0', '"x"', '[]', '[{}]', '1e999', '-0']), contentType: 'application/json' }
    case 8: return { text: `{"a":${'['.repeat(100_000)}`, contentType: 'application/json' }
    default: return { text: `{"name":"${'x'.repeat(1024 * 1024 + 10)}"}`, contentType: 'application/json' }
  }
}

/** YAML documents for PUT /config and /config/diff: anchors, bombs, non-object documents, tags. */
export function yamlBody (r: Rng): string {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
  for (let i = 0; i < 9; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)
  return pick(r, [
    `${bomb.join('\n')}\n_format_version: "3.0"\n`,
    '_format_version: "3.0"\nservices:\n  - &s {name: svc, url: "http://up.internal"}\n  - *s\n',
    '_format_version: "3.0"\nservices:\n  - name: svc\n    url: http://up.internal\n    <<: {retries: 1, colour: red}\n',
    '- just\n- a list\n', 'plain scalar', '42', '~', '', '---\n---\n', '_format_version: "3.0"\n_format_version: "3.0"\n',
    '_format_version: 3.0\nservices: {}\n', '!!binary aGVsbG8=', '_format_version: !!js/function "x"\n', 'a: *undefined_alias\n',
    '_format_version: "3.0"\nservices:\n  - name: svc\n    host: "\\u0000"\n', '_format_version: "3.0"\n__proto__: {polluted: true}\n',
    '_format_version: "3.0"\nroutes:\n  - name: r\n    paths: ["~/(unclosed"]\n    service: nope\n', `${'['.repeat(5000)}`,
    '_format_version: "3.0"\nservices:\n  - name: svc\n    url: http://up.internal\n    routes:\n      - name: rt\n        paths: [/a]\n        hosts: ["*.*.com"]\n',
    '? [complex, key]\n: value\n', '_format_version: "3.0"\nservices:\n  - name: svc\n    port: 0x50\n    host: h\n'
  ])
}
