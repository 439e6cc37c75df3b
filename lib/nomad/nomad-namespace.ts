import { runAppChecksOn } from '../checks/app-checks';
import { Namespace } from '@cdktf/provider-nomad/lib/namespace';
import { TerraformProvider, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { terraformString } from '../core/terraform-string';
import { checkNamespaceName } from './names';

/** Properties of {@link NomadNamespace}. */
export interface NomadNamespaceProps {
  /** Namespace name: 1 to 128 letters, digits and dashes. */
  readonly name: string;
  /** Description. @default - none */
  readonly description?: string;
  /** Metadata. @default - none */
  readonly meta?: Record<string, string>;
  /** The Nomad provider to use. @default - the stack's default nomad provider */
  readonly provider?: TerraformProvider;
}

/**
 * A Nomad namespace, created with Terraform's `nomad_namespace` resource. Every `NomadJob` of
 * the same stack that names this namespace depends on it, so Terraform creates the namespace
 * before registering the job (in whichever order the two constructs were declared).
 *
 * @see https://registry.terraform.io/providers/hashicorp/nomad/latest/docs/resources/namespace
 */
export class NomadNamespace extends Construct {
  /**
   * The namespace of that name declared in the stack of `scope`, if any.
   * @internal
   */
  public static _lookup(scope: IConstruct, name: string): NomadNamespace | undefined {
    return registry(scope).get(name);
  }

  /** The namespace name. */
  public readonly name: string;
  /** The `nomad_namespace` resource (also `node.defaultChild`). */
  public readonly resource: Namespace;

  constructor(scope: Construct, id: string, props: NomadNamespaceProps) {
    super(scope, id);
    runAppChecksOn(this);
    checkNamespaceName(this.node.path, props.name);
    if (!isToken(props.name) && props.name === 'default') {
      throw new ConfigError(
        this.node.path,
        'name',
        props.name,
        'The "default" namespace always exists; jobs use it when they name no namespace.',
      );
    }
    this.name = props.name;
    this.resource = new Namespace(this, 'Resource', {
      name: terraformString(props.name),
      description: props.description === undefined ? undefined : terraformString(props.description),
      meta: props.meta === undefined ? undefined : mapValues(props.meta, terraformString),
      provider: props.provider,
    });
    if (!isToken(props.name)) {
      const namespaces = registry(this);
      const other = namespaces.get(props.name);
      if (other) {
        throw new ConfigError(
          this.node.path,
          'name',
          props.name,
          `${other.node.path} already declares this namespace in the stack; declare it once ` +
            'and let jobs name it.',
        );
      }
      namespaces.set(props.name, this);
    }
  }
}

const REGISTRIES = new WeakMap<TerraformStack, Map<string, NomadNamespace>>();

function registry(scope: IConstruct): Map<string, NomadNamespace> {
  const stack = TerraformStack.of(scope);
  let namespaces = REGISTRIES.get(stack);
  if (!namespaces) {
    namespaces = new Map();
    REGISTRIES.set(stack, namespaces);
  }
  return namespaces;
}

function mapValues(
  map: Record<string, string>,
  f: (value: string) => string,
): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [terraformString(k), f(v)]));
}
