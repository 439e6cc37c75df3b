/**
 * A port of the group network.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/network#port-parameters
 */
export interface PortProps {
  /** Label, used as `${NOMAD_PORT_<label>}` and in services. */
  readonly label: string;
  /** Fixed host port. @default - a dynamic port */
  readonly static?: number;
  /** Port inside the task's network namespace (bridge mode) or container. @default - same as the host port */
  readonly to?: number;
  /** Name of a client `host_network` to allocate on. @default - the default network */
  readonly hostNetwork?: string;
}

/** Nomad network modes. */
export enum NetworkMode {
  /** The task shares the host's network namespace. */
  HOST = 'host',
  /** A network namespace behind a bridge; required by Consul Connect sidecars. */
  BRIDGE = 'bridge',
  /** No networking. */
  NONE = 'none',
}

/**
 * The group's network.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/network
 */
export interface NetworkProps {
  /** Network mode. @default NetworkMode.HOST */
  readonly mode?: NetworkMode;
  /** Ports. @default - none */
  readonly ports?: PortProps[];
  /** Hostname inside the namespace (bridge mode). @default - the allocation ID */
  readonly hostname?: string;
  /** DNS servers. @default - the client's */
  readonly dnsServers?: string[];
}
