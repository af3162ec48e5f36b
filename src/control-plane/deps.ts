import type { Logger } from '../log.js'
import type { Db } from './store/db.js'

/** What every Admin API module is built from (passed in, so tests can swap them). */
export interface ControlPlaneDeps {
  db: Db
  logger: Logger
}
