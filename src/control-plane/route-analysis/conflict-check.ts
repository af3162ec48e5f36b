import type { GatewayConfig } from '../../contract/index.js'
import { compileRouter } from '../../router/compile-router.js'
import { findRouteConflicts, type RouteConflict } from '../../router/route-conflicts.js'
import type { ConflictKeys, RouteConflictCheck } from '../deps.js'
import type { GroupRouters, GroupRouting } from './group-router.js'
import type { Logger } from '../../log.js'

// The warnings of a write: the findings of the group's config after it (route-conflicts.ts) that
// its config before did not have. A finding is known by its kind and the two routes' names (ids for
// unnamed ones), so it is the same finding in a file that has no ids yet. Findings are computed
// once per group version and kept with its compiled routes.

const found = new WeakMap<GroupRouting, RouteConflict[]>()

export function conflictsOf (routing: GroupRouting): RouteConflict[] {
  let list = found.get(routing)
  if (list === undefined) {
    list = findRouteConflicts(routing.router)
    found.set(routing, list)
  }
  return list
}

export function conflictKey (c: RouteConflict): string {
  return `${c.kind}\n${c.route.name ?? c.route.id ?? ''}\n${c.other.name ?? c.other.id ?? ''}`
}

/**
 * Warnings are computed after the write committed: a failure of the analysis must not turn a
 * committed write into an error answer, so it is logged and the write answers without warnings.
 */
async function orNone (log: Logger, what: () => Promise<RouteConflict[]>): Promise<RouteConflict[]> {
  try {
    return await what()
  } catch (err) {
    log.error({ err }, 'route conflict analysis failed; the write answers without warnings')
    return []
  }
}

export function createConflictCheck (routers: GroupRouters, log: Logger): RouteConflictCheck {
  const keysAt = async (runtimeGroupId: string): Promise<ConflictKeys> => {
    const routing = await routers.forGroup(runtimeGroupId)
    return new Set(routing === null ? [] : conflictsOf(routing).map(conflictKey))
  }
  return {
    current: keysAt,
    introduced: async (runtimeGroupId, before) => await orNone(log, async () => {
      const routing = await routers.forGroup(runtimeGroupId)
      return routing === null ? [] : conflictsOf(routing).filter((c) => !before.has(conflictKey(c)))
    }),
    introducedBy: async (runtimeGroupId, config: GatewayConfig) => {
      const before = await keysAt(runtimeGroupId)
      return findRouteConflicts(compileRouter(config)).filter((c) => !before.has(conflictKey(c)))
    }
  }
}
