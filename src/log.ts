import { pino, type Logger } from 'pino'
import { DEFAULT_LOG_LEVEL } from './defaults.js'

export type { Logger }

/** The root logger: pino JSON on stdout. Components take a child: `log.child({ component: 'router' })`. */
export function createLogger (options: { level?: string } = {}): Logger {
  return pino({
    name: 'atrium',
    level: options.level ?? process.env.ATRIUM_LOG_LEVEL ?? DEFAULT_LOG_LEVEL
  })
}
