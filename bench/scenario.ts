/**
 * What both sides of the benchmark declare, in one place: names and fixed values of the
 * services. Imports nothing, so the floor can use it without loading the library.
 */

/** The port each application listens on inside its group's network namespace. */
export const APP_PORT = 8080;
/** The local port of each service's one upstream. */
export const UPSTREAM_PORT = 9000;
/** The image of every service. */
export const IMAGE = 'registry.example.com/platform/app:1.4.2';
/** The KV path (relative to `secret/data/`) every service is granted besides its own. */
export const SHARED_SECRET = 'shared/observability';

/** The name of service `i` (also its job, group and Consul service name). */
export function serviceName(i: number): string {
  return `svc-${i}`;
}

/** The host name the ingress routes to service `i`. */
export function serviceHost(i: number): string {
  return `svc-${i}.apps.example.com`;
}
