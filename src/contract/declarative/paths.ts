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
 * The path of a value nested `max` levels deep or more, or null. Iterative, so any depth is safe;
 * the path names the first levels only (enough to find the field, without a string per level).
 */
export function tooDeepAt (value: unknown, max: number): string | null {
  const stack: Array<[unknown, number, string]> = [[value, 0, '']]
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop() as [unknown, number, string]
    if (typeof v !== 'object' || v === null) continue
    if (depth >= max) return path
    const named = depth < 8
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, depth + 1, named ? joinPath(path, i) : path]))
    else for (const [k, x] of Object.entries(v)) stack.push([x, depth + 1, named ? joinPath(path, k) : path])
  }
  return null
}
