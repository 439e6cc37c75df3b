import { TerraformProvider, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { isToken } from '../core/checks';
import { ConfigError } from '../core/errors';

/**
 * Names Vault keeps one of: policy names (Vault lower-cases them) and JWT role names of one
 * auth backend. A second object with the same name would silently replace the first when
 * Terraform applies, so a stack may declare each name once per Vault provider and namespace.
 * @internal
 */
export class VaultNames {
  /** The registry of the stack of `scope`. */
  public static of(scope: IConstruct): VaultNames {
    const stack = TerraformStack.of(scope);
    let names = REGISTRIES.get(stack);
    if (!names) {
      names = new VaultNames();
      REGISTRIES.set(stack, names);
    }
    return names;
  }

  private readonly claimed = new Map<string, string>();

  private constructor() {}

  /**
   * Claims a name for the construct at `path`, or throws naming the construct that has it.
   * Tokens are not checked (their value is known only to Terraform).
   */
  public claim(
    path: string,
    kind: string,
    name: string,
    provider: TerraformProvider | undefined,
    namespace: string | undefined,
  ): void {
    if (isToken(name) || (namespace !== undefined && isToken(namespace))) return;
    const key = [
      kind,
      provider?.node.path ?? '(default provider)',
      namespace ?? '',
      name.toLowerCase(),
    ].join('\0');
    const holder = this.claimed.get(key);
    if (holder !== undefined && holder !== path) {
      throw new ConfigError(
        path,
        `${kind} name`,
        name,
        `${holder} already uses this name (Vault compares names case-insensitively), and the ` +
          'second would replace the first in Vault. Give one of them another name.',
      );
    }
    this.claimed.set(key, path);
  }
}

const REGISTRIES = new WeakMap<TerraformStack, VaultNames>();
