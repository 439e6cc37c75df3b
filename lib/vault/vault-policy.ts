import { Policy } from '@cdktf/provider-vault/lib/policy';
import { Lazy, TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import { escapeForTerraform } from '../hcl';
import { PolicyDocument, PolicyError, PolicyRuleProps } from './policy-document';

/** Properties of {@link VaultPolicy}. */
export interface VaultPolicyProps {
  /** Policy name in Vault (Vault stores names in lower case). */
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
 * construction are included.
 *
 * @see https://registry.terraform.io/providers/hashicorp/vault/latest/docs/resources/policy
 */
export class VaultPolicy extends Construct {
  /** The policy's rules. */
  public readonly document: PolicyDocument;
  /** The `vault_policy` resource (also `node.defaultChild`). */
  public readonly resource: Policy;

  constructor(scope: Construct, id: string, props: VaultPolicyProps) {
    super(scope, id);
    const where = `${this.node.path} (policy ${JSON.stringify(props.name)})`;
    if (!Token.isUnresolved(props.name)) {
      if (
        props.name.length === 0 ||
        props.name !== props.name.toLowerCase() ||
        props.name === 'root'
      ) {
        throw new PolicyError(
          where,
          'name',
          props.name,
          'Give a non-empty lower-case name other than "root" (Vault lower-cases names and reserves "root").',
        );
      }
    }
    this.document = new PolicyDocument(props.rules ?? [], where);
    this.resource = new Policy(this, 'Resource', {
      name: props.name,
      namespace: props.namespace,
      provider: props.provider,
      policy: Lazy.stringValue({ produce: () => escapeForTerraform(this.document.render()) }),
    });
    this.node.addValidation({ validate: () => this.document.validate() });
  }

  /** The policy name (a reference, so dependents wait for the policy). */
  public get policyName(): string {
    return this.resource.name;
  }

  /** Adds a path rule. */
  public addRule(rule: PolicyRuleProps): void {
    this.document.addRule(rule);
  }
}
