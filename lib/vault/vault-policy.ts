import { runAppChecksOn } from '../checks/app-checks';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { renderedTerraformString, terraformString } from '../core/terraform-string';
import { PolicyDocument, PolicyRuleProps } from './policy-document';
import { VaultNames } from './vault-names';

/** Properties of {@link VaultPolicy}. */
export interface VaultPolicyProps {
  /** Policy name in Vault: lower case (Vault lower-cases names), not `root`. */
  readonly name: string;
  /** Path rules. @default - none (add with addRule) */
  readonly rules?: PolicyRuleProps[];
  /** Vault namespace (Vault Enterprise). @default - the provider's */
  readonly namespace?: string;
  /** The Vault provider to use. @default - the stack's default vault provider */
  readonly provider?: TerraformProvider;
}

/**
 * A Vault ACL policy, written with Terraform's `vault_policy` resource. Rules added after
 * construction are included. Two policies of one stack may not share a name (for the same
 * provider and namespace): Vault would keep only the last one applied.
 *
 * @see https://registry.terraform.io/providers/hashicorp/vault/latest/docs/resources/policy
 */
export class VaultPolicy extends Construct {
  /** The policy's rules. */
  public readonly document: PolicyDocument;
  /** The `vault_policy` resource (also `node.defaultChild`). */
  public readonly resource: Policy;
  private nameReference: string | undefined;

  constructor(scope: Construct, id: string, props: VaultPolicyProps) {
    super(scope, id);
    runAppChecksOn(this);
    const where = `${this.node.path} (policy ${JSON.stringify(props.name)})`;
    if (!isToken(props.name)) {
      if (
        typeof props.name !== 'string' ||
        props.name.length === 0 ||
        props.name !== props.name.toLowerCase() ||
        props.name === 'root'
      ) {
        throw new ConfigError(
          where,
          'name',
          props.name,
          'Give a non-empty lower-case name other than "root" (Vault lower-cases names and reserves "root").',
        );
      }
    }
    VaultNames.of(this).claim(
      this.node.path,
      'policy',
      props.name,
      props.provider,
      props.namespace,
    );
    this.document = new PolicyDocument(props.rules ?? [], where);
    this.resource = new Policy(this, 'Resource', {
      name: terraformString(props.name),
      namespace: props.namespace === undefined ? undefined : terraformString(props.namespace),
      provider: props.provider,
      // Rules are only ever added, so their number is the document's revision.
      policy: renderedTerraformString(
        () => this.document.render(),
        () => this.document.pathRules.length,
        `${this.node.path} policy`,
      ),
    });
    this.node.addValidation({ validate: () => this.document._validate() });
  }

  /** The policy name (a reference, so dependents wait for the policy). */
  public get policyName(): string {
    this.nameReference ??= this.resource.name;
    return this.nameReference;
  }

  /** Adds a path rule. */
  public addRule(rule: PolicyRuleProps): void {
    this.document.addRule(rule);
  }
}
