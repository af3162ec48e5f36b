import type { SetTargetHealthMessage } from '../contract/sync-protocol.js'
import type { Logger } from '../log.js'
import type { Db } from './store/db.js'
import type { GatewayConfig } from '../contract/index.js'
import type { RouteConflict } from '../router/route-conflicts.js'

/** What every Admin API module is built from (passed in, so tests can swap them). */
export interface ControlPlaneDeps {
  db: Db
  logger: Logger
  /** Hybrid mode's in-process side (the sync server); absent when no cluster listener runs. */
  dataPlanes?: DataPlaneHub
  /** The route conflicts a write introduces, for its `warnings` (route-analysis/); absent: none reported. */
  routeConflicts?: RouteConflictCheck
}

/** What the findings of a group's config were before a write: compared with after it. */
export type ConflictKeys = ReadonlySet<string>

/** The route conflicts of runtime groups' configs, as write answers report them. */
export interface RouteConflictCheck {
  /** The keys of the group's findings at its current version (taken before a write). */
  current: (runtimeGroupId: string) => Promise<ConflictKeys>
  /** The group's findings now (after the write) that were not among `before`. */
  introduced: (runtimeGroupId: string, before: ConflictKeys) => Promise<RouteConflict[]>
  /** A dry run's: the findings of `config` that the group's current config does not have. */
  introducedBy: (runtimeGroupId: string, config: GatewayConfig) => Promise<RouteConflict[]>
}

/** What the Admin API asks of the sync server of this process. */
export interface DataPlaneHub {
  /** Closes this process's sessions of a revoked token at once (4001); other CPs notice at their next poll. */
  disconnectToken: (tokenId: string) => void
  /**
   * Sends an operator's target mark to this process's ready sessions of the group that speak
   * `upstream_health` (how many it reached) and records it for the other replicas' nodes.
   */
  setTargetHealth: (runtimeGroupId: string, message: SetTargetHealthMessage) => Promise<number>
  /** A node row still marked connected but not refreshed for this long is shown disconnected (its CP died). */
  readonly staleAfterSeconds: number
  /** Disconnected nodes stay listed this long. */
  readonly purgeAfterSeconds: number
}
