// Which instance of a plugin applies to a request when several are configured: the most specific
// one, in Kong 3.x's order (kong/runloop/plugins_iterator.lua, lookup_cfg):
//
//   1. route + service + consumer      5. consumer
//   2. route + consumer                6. route
//   3. service + consumer              7. service
//   4. route + service                 8. global
//
// "service" is the matched route's service and "consumer" the one an authentication plugin
// identified. A plugin configured on route + service applies only when both are the request's.
// Resolved at config-apply time per route (and lazily per route and consumer), never per request.

export interface Scoped {
  route: number | null
  service: number | null
  consumer: number | null
}

/** [route, service, consumer] taken from the request, most specific first. */
export const PRECEDENCE: ReadonlyArray<readonly [boolean, boolean, boolean]> = [
  [true, true, true],
  [true, false, true],
  [false, true, true],
  [true, true, false],
  [false, false, true],
  [true, false, false],
  [false, true, false],
  [false, false, false]
]

function key (route: number | null, service: number | null, consumer: number | null): string {
  return `${route ?? ''}:${service ?? ''}:${consumer ?? ''}`
}

/** The instances of one plugin by scope; `resolve` picks the one a request gets. */
export class ScopeTable<T> {
  readonly #byScope = new Map<string, T>()

  /** The contract allows one instance per plugin name and scope, so nothing is overwritten. */
  add (scope: Scoped, value: T): void {
    this.#byScope.set(key(scope.route, scope.service, scope.consumer), value)
  }

  /**
   * The most specific instance for a request on `route` (of `service`; null: a route without one)
   * by `consumer` (null: none identified).
   */
  resolve (route: number, service: number | null, consumer: number | null): T | null {
    for (const [r, s, c] of PRECEDENCE) {
      if ((c && consumer === null) || (s && service === null)) continue
      const found = this.#byScope.get(key(r ? route : null, s ? service : null, c ? consumer : null))
      if (found !== undefined) return found
    }
    return null
  }
}
