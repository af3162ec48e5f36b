export type { GatewayConfig, ServiceConfig, RouteConfig, UpstreamProtocol, RouteProtocol } from './gateway-config.js'
