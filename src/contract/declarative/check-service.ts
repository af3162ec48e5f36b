// Service rules beyond shape: `url` versus protocol/host/port/path, host and path syntax, `enabled`.

import { checkServiceHost } from './hosts.js'
import { checkLiteralPath } from './path-rules.js'
import { joinPath } from './paths.js'
import { parseServiceUrl } from './service-url.js'
import type { ServiceEntry } from './entities.js'
import type { Issues } from './types.js'

const URL_CONFLICTS = ['protocol', 'host', 'port', 'path'] as const

export function checkService ({ service, path }: ServiceEntry, issues: Issues): void {
  if (service.url !== undefined) {
    for (const field of URL_CONFLICTS) {
      if (service[field] !== undefined) issues.error(joinPath(path, field), 'cannot be set together with url')
    }
    if (typeof service.url === 'string') {
      const parsed = parseServiceUrl(service.url)
      if (!parsed.ok) issues.error(joinPath(path, 'url'), parsed.message)
    }
  } else if (service.host === undefined) {
    issues.error(joinPath(path, 'host'), 'is required when url is not set')
  }
  if (typeof service.host === 'string' && service.host !== '') {
    const message = checkServiceHost(service.host)
    if (message !== null) issues.error(joinPath(path, 'host'), message)
  }
  if (typeof service.path === 'string') {
    const message = service.path.startsWith('/') ? checkLiteralPath(service.path) : 'must start with /'
    if (message !== null) issues.error(joinPath(path, 'path'), message)
  }
  if (service.enabled === false) {
    // Kong serves nothing for a disabled service; neither do we: it and its routes are left out.
    issues.warn(joinPath(path, 'enabled'), 'service is disabled; it and its routes are not loaded')
  }
}
