export type { GatewayConfig, ServiceConfig, RouteConfig, UpstreamProtocol, RouteProtocol } from './gateway-config.js'
export { hashGatewayConfig, canonicalJson } from './config-hash.js'
export { loadDeclarativeConfig, readDeclarativeConfigFile } from './declarative/index.js'
export type { DeclarativeOptions, DeclarativeResult, FieldIssue } from './declarative/index.js'
