import {
  DefaultTokenResolver,
  StringConcat,
  TerraformLocal,
  TerraformVariable,
  Tokenization,
} from 'cdktf';
import { IConstruct } from 'constructs';
import { splitTokens } from '../core/tokens';
import type { Analysis } from './analysis';

/**
 * Secrets that reach a jobspec by reference (ZT-SECRET-004): a job's text is stored by Nomad,
 * shown by `nomad job inspect` to anyone who may read the job, and kept in Terraform's state and
 * plan; a secret there is as exposed as a literal one, only harder to see in the code (a Vault
 * token from `ConsulConnectCa.connectStanza` rendered into a file with `Task.addFile`, say).
 * @internal
 */

/** Attributes of resources and data sources that hold a secret, as Terraform addresses them. */
const SECRET_ATTRIBUTES: readonly RegExp[] = [
  /\bvault_token\.[\w-]+\.(?:client_token|wrapped_token)\b/,
  /\bvault_approle_auth_backend_role_secret_id\.[\w-]+\.(?:secret_id|wrapping_token)\b/,
  /\bvault_approle_auth_backend_login\.[\w-]+\.client_token\b/,
  /\bconsul_acl_token_secret_id\.[\w-]+\.secret_id\b/,
  /\bnomad_acl_token\.[\w-]+\.secret_id\b/,
  /\brandom_password\.[\w-]+\.(?:result|bcrypt_hash)\b/,
  /\btls_private_key\.[\w-]+\.private_key_(?:pem|openssh|pem_pkcs8)\b/,
  /\bvault_pki_secret_backend_cert\.[\w-]+\.private_key\b/,
  /\bvault_kv_secret(?:_v2)?\.[\w-]+\.(?:data|data_json)\b/,
  /\bvault_generic_secret\.[\w-]+\.(?:data|data_json)\b/,
];

/**
 * Reports each reference in a jobspec's text that resolves to a secret attribute or a sensitive
 * variable, once per secret and job.
 */
export function secretReferences(
  a: Analysis,
  construct: IConstruct,
  where: string,
  text: string,
): void {
  const known = knownValues(a.all);
  const seen = new Set<string>();
  for (const fragment of splitTokens(text)) {
    if (!fragment.isToken) continue;
    const expression = resolveExpression(construct, fragment.text);
    if (expression === undefined) continue;
    const secret = secretIn(expression, known, 0);
    if (secret === undefined || seen.has(secret)) continue;
    seen.add(secret);
    a.emit({
      construct,
      ruleId: 'ZT-SECRET-004',
      location: where,
      prop: 'jobspec',
      value: secret,
      detail: `The jobspec holds the value of ${secret}.`,
    });
  }
}

/** The Terraform expression a token marker stands for, or undefined if it does not resolve. */
function resolveExpression(scope: IConstruct, marker: unknown): string | undefined {
  try {
    const resolved: unknown = Tokenization.resolve(marker, {
      scope,
      preparing: false,
      resolver: new DefaultTokenResolver(new StringConcat()),
    });
    return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
  } catch {
    return undefined;
  }
}

function secretIn(expression: string, known: KnownValues, depth: number): string | undefined {
  for (const attribute of SECRET_ATTRIBUTES) {
    const match = attribute.exec(expression);
    if (match) return match[0];
  }
  if (/(?:^|[^\w.])sensitive\(/.test(expression)) return 'a sensitive(...) value';
  for (const match of expression.matchAll(/\bvar\.([\w-]+)/g)) {
    if (known.sensitive.has(match[1])) return `var.${match[1]} (sensitive)`;
  }
  // a local is as secret as its expression (a few levels deep: locals may name locals)
  if (depth < 4) {
    for (const match of expression.matchAll(/\blocal\.([\w-]+)/g)) {
      const local = known.locals.get(match[1]);
      const inner = local && resolveExpression(local, localExpression(local));
      const secret = inner && secretIn(inner, known, depth + 1);
      if (secret) return `local.${match[1]} (${secret})`;
    }
  }
  return undefined;
}

/** A local's own expression, as Terraform configuration (`expression` is a reference to the local). */
function localExpression(local: TerraformLocal): unknown {
  const locals = (local.toTerraform() as { locals?: Record<string, unknown> }).locals ?? {};
  return locals[local.friendlyUniqueId];
}

/** What the secret check needs to know of the app: sensitive variables and locals by name. */
interface KnownValues {
  readonly sensitive: ReadonlySet<string>;
  readonly locals: ReadonlyMap<string, TerraformLocal>;
}

/** Per analysis (its list of constructs): the app's sensitive variables and its locals. */
const KNOWN = new WeakMap<readonly IConstruct[], KnownValues>();

function knownValues(all: readonly IConstruct[]): KnownValues {
  const cached = KNOWN.get(all);
  if (cached) return cached;
  const sensitive = new Set<string>();
  const locals = new Map<string, TerraformLocal>();
  for (const construct of all) {
    if (construct instanceof TerraformVariable && construct.sensitive) {
      sensitive.add(construct.friendlyUniqueId);
    } else if (construct instanceof TerraformLocal) {
      locals.set(construct.friendlyUniqueId, construct);
    }
  }
  const known = { sensitive, locals };
  KNOWN.set(all, known);
  return known;
}
