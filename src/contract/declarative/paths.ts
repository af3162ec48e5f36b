// Field paths as users read them: `services[0].routes[2].paths[0]`, `routes[1].headers["x-a b"]`.

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/

/** Appends an object key or an array index to a path. */
export function joinPath (base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`
  const part = PLAIN_KEY.test(key) ? key : `[${JSON.stringify(key)}]`
  if (base === '') return part
  return part.startsWith('[') ? `${base}${part}` : `${base}.${part}`
}

/**
 * Converts an Ajv instancePath (a JSON pointer such as `/services/0/port`) to our style. The data is
 * walked alongside so a numeric key is an index only where the value really is an array.
 */
export function pointerToPath (pointer: string, data: unknown): string {
  if (pointer === '') return ''
  let path = ''
  let current: unknown = data
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      const index = Number(segment)
      path = joinPath(path, index)
      current = current[index]
    } else {
      path = joinPath(path, segment)
      current = isObject(current) ? current[segment] : undefined
    }
  }
  return path
}

export function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The path of a value nested `max` levels deep or more, or null. Recursion stops at `max` levels, so
 * any input depth is safe; the path is built only on the way back from a hit (no string per value)
 * and names the first levels only (enough to find the field).
 */
export function tooDeepAt (value: unknown, max: number): string | null {
  const hit = deepSuffix(value, 0, max)
  return hit === null ? null : hit.path
}

const NAMED_LEVELS = 8

function deepSuffix (v: unknown, depth: number, max: number): { path: string } | null {
  if (typeof v !== 'object' || v === null) return null
  if (depth >= max) return { path: '' }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = deepSuffix(v[i], depth + 1, max)
      if (hit !== null) return depth < NAMED_LEVELS ? { path: prependPath(i, hit.path) } : hit
    }
    return null
  }
  for (const k in v) {
    const hit = deepSuffix((v as Record<string, unknown>)[k], depth + 1, max)
    if (hit !== null) return depth < NAMED_LEVELS ? { path: prependPath(k, hit.path) } : hit
  }
  return null
}

function prependPath (key: string | number, rest: string): string {
  const head = joinPath('', key)
  if (rest === '') return head
  return rest.startsWith('[') ? head + rest : `${head}.${rest}`
}
