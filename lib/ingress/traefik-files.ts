import { Task, TemplateChangeMode } from '../nomad/task';
import { TraefikDynamicConfig } from '../traefik/dynamic-config';
import {
  TraefikApiProps,
  TraefikEntryPointProps,
  TraefikGlobalProps,
  TraefikLogLevel,
  TraefikLogProps,
  TraefikStaticConfig,
} from '../traefik/static-config';
import type { IngressContext } from './ingress-variant';

/** Where the Traefik task reads its static configuration. @internal */
export const STATIC_CONFIG_FILE = '/local/traefik.yml';
/** Where the file provider reads the dynamic configuration. @internal */
export const DYNAMIC_CONFIG_FILE = '/local/dynamic.yml';

/**
 * Delivers Traefik's static and dynamic configuration as Nomad templates, rendered from the
 * models when the jobspec is rendered (so routes added later are included). The YAML holds no
 * `{{`, so consul-template copies it as it is; a static change restarts Traefik, a dynamic one
 * is picked up by the file provider.
 * @internal
 */
export function addConfigTemplates(
  task: Task,
  staticConfig: TraefikStaticConfig,
  dynamicConfig: TraefikDynamicConfig,
): void {
  task._addTemplateProducer(() => ({
    destination: STATIC_CONFIG_FILE.slice(1),
    data: staticConfig.render(),
    changeMode: TemplateChangeMode.RESTART,
  }));
  task._addTemplateProducer(() => ({
    destination: DYNAMIC_CONFIG_FILE.slice(1),
    data: dynamicConfig.render(),
    changeMode: TemplateChangeMode.NOOP,
  }));
}

/**
 * The parts of the static configuration both variants share: no version check or usage
 * statistics, INFO logs, the API only for the dashboard router (or, opted in, insecure on
 * `traefik` :8080), ping on the internal entry point.
 * @internal
 */
export function commonStaticProps(context: IngressContext): {
  global: TraefikGlobalProps;
  log: TraefikLogProps;
  api?: TraefikApiProps;
  extraEntryPoints: TraefikEntryPointProps[];
} {
  const api: TraefikApiProps | undefined = context.apiInsecure
    ? { dashboard: true, insecure: true }
    : context.dashboard
      ? { dashboard: true }
      : undefined;
  return {
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    log: { level: context.debugLog ? TraefikLogLevel.DEBUG : TraefikLogLevel.INFO },
    api,
    extraEntryPoints: context.apiInsecure ? [{ name: 'traefik', address: ':8080' }] : [],
  };
}
