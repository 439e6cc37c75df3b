/**
 * A domain a router's (or entry point's) certificate must cover: the main name and optional
 * subject alternative names. Certificate resolvers request certificates for these names.
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/http/tls/overview/
 */
export interface TraefikTlsDomain {
  /** The main domain, e.g. `example.com` or `*.example.com`. */
  readonly main: string;
  /** Further names the certificate covers. @default - none */
  readonly sans?: string[];
}
