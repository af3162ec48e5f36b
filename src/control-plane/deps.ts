import type { SetTargetHealthMessage } from '../contract/sync-protocol.js'
import type { Logger } from '../log.js'
import type { Db } from './store/db.js'

/** What every Admin API module is built from (passed in, so tests can swap them). */
export interface ControlPlaneDeps {
  db: Db
  logger: Logger
  /** Hybrid mode's in-process side (the sync server); absent when no cluster listener runs. */
  dataPlanes?: DataPlaneHub
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
