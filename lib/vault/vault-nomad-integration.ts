import { runAppChecksOn } from '../checks/app-checks';
import { DataNomadJwks } from '@cdktf/provider-nomad/lib/data-nomad-jwks';
import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { Token as VaultToken } from '@cdktf/provider-vault/lib/token';
import { TokenAuthBackendRole } from '@cdktf/provider-vault/lib/token-auth-backend-role';
import { Annotations, TerraformOutput, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { checkHttpUrl, isPlainHttpToRemote, isToken } from '../core/checks';
import { ConfigError, problem } from '../core/errors';
import { terraformString } from '../core/terraform-string';
import { HclDialect } from '../hcl/dialect';
import { HclBody } from '../hcl/writer';
import { renderVaultStanza, VaultStanzaProps } from '../nomad/agent-config';
import type { Job } from '../nomad/job';
import { NomadJob } from '../nomad/nomad-job';
import { NomadNamespace } from '../nomad/nomad-namespace';
import { Task } from '../nomad/task';
import { checkExtraPath, checkPathSegment, coveredOwnPath, privilegedRule } from './grant-paths';
import { VaultIntegrationMode, VaultModeBinding } from './integration-mode';
import { LegacyTokenRoleBinding } from './legacy-token-role-binding';
import { PolicyRuleProps } from './policy-document';
import { VaultPolicy } from './vault-policy';
import { WorkloadIdentityBinding } from './workload-identity-binding';

/** Properties of {@link VaultNomadIntegration}. */
export interface VaultNomadIntegrationProps {
  /** Address Nomad agents use to reach Vault, e.g. `https://vault.example.com:8200` (no credentials). */
  readonly vaultAddress: string;
  /** Workflow. @default VaultIntegrationMode.workloadIdentity() */
  readonly mode?: VaultIntegrationMode;
  /**
   * Address of the Nomad servers' HTTP API as Vault reaches it; gives the JWKS URL in
   * workload-identity mode.
   * @default - none (then give jwksUrl or jwksFromNomadProvider)
   */
  readonly nomadAddress?: string;
  /**
   * Protect the stateful resources from being destroyed by a plan (`lifecycle.prevent_destroy`):
   * the JWT auth backend, whose accessor Vault's identity aliases and the templated policy
   * depend on, and in legacy mode the servers' token. Renaming this construct (or its id)
   * would otherwise replace them; move them with cdktf's `moveTo`/`moveFromId` instead.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /** Vault provider. @default - the stack's default vault provider */
  readonly vaultProvider?: TerraformProvider;
  /** Nomad provider (for the nomad_jwks data source). @default - the stack's default nomad provider */
  readonly nomadProvider?: TerraformProvider;
}

/** What one task was granted, as {@link VaultNomadIntegration.grants} lists it. */
export interface SecretGrant {
  /** The task. */
  readonly task: Task;
  /** Vault policy paths its token may use (KV v2 data paths, and paths of extra rules). */
  readonly paths: string[];
}

/** Options of {@link VaultNomadIntegration.grantSecrets}. */
export interface GrantSecretsOptions {
  /**
   * KV v2 secret paths the task may read besides its job's own path, relative to
   * `<kvMountPath>/data/`: `shared/db` grants `secret/data/shared/db`, `team/*` everything under
   * `secret/data/team/`. A bare `*`, `+` segments, `..` and paths that repeat the mount or the
   * `data/` prefix are refused.
   * @default - only the job's own path
   */
  readonly extraPaths?: string[];
  /**
   * Further rules for the task's token beyond KV reads, e.g. `update` on `pki/issue/<role>` to
   * issue certificates. Checked like any policy rule.
   * @default - none
   */
  readonly extraRules?: PolicyRuleProps[];
}

/**
 * Connects Nomad to Vault in one deploy: the Vault side (auth backend, role, policies, or the
 * legacy token role and server token) and the matching Nomad agent `vault {}` stanzas, which
 * it also writes to Terraform outputs (sensitive when they hold a token).
 *
 * @see https://developer.hashicorp.com/nomad/docs/integrations/vault
 */
export class VaultNomadIntegration extends Construct {
  /** The workflow in use. */
  public readonly mode: VaultIntegrationMode;
  /** The server agents' `vault {}` stanza as a Terraform string (holds the token in legacy mode). */
  public readonly serverVaultStanza: string;
  /** The client agents' `vault {}` stanza as a Terraform string. */
  public readonly clientVaultStanza: string;
  /** Whether the server stanza holds a secret. */
  public readonly serverStanzaIsSensitive: boolean;
  /** The JWT auth backend (workload-identity mode). */
  public readonly jwtAuthBackend?: JwtAuthBackend;
  /** The default role of Nomad workloads (workload-identity mode). */
  public readonly workloadRole?: JwtAuthBackendRole;
  /** The templated policy of Nomad workloads (workload-identity mode). */
  public readonly workloadPolicy?: VaultPolicy;
  /** The Nomad servers' policy (legacy mode). */
  public readonly serverPolicy?: VaultPolicy;
  /** The token role tasks' tokens are created from (legacy mode). */
  public readonly tokenRole?: TokenAuthBackendRole;
  /** The Nomad servers' periodic orphan token (legacy mode). Sensitive. */
  public readonly serverToken?: VaultToken;
  /** The Nomad JWKS data source, when the keys are read at plan time. */
  public readonly nomadJwks?: DataNomadJwks;
  /** The vault provider the integration's resources use. @default - the stack's default */
  public readonly vaultProvider?: TerraformProvider;

  private readonly binding: VaultModeBinding;
  /** Every extra path granted, with its task, for the check at synthesis. */
  private readonly extraPathGrants: Array<{ readonly task: Task; readonly path: string }> = [];

  constructor(scope: Construct, id: string, props: VaultNomadIntegrationProps) {
    super(scope, id);
    runAppChecksOn(this);
    this.checkAddresses(props);
    this.mode = props.mode ?? VaultIntegrationMode.workloadIdentity();
    this.vaultProvider = props.vaultProvider;
    this.binding = this.mode._bind(this, {
      where: this.node.path,
      vaultAddress: props.vaultAddress,
      nomadAddress: props.nomadAddress,
      vaultProvider: props.vaultProvider,
      nomadProvider: props.nomadProvider,
      preventDestroy: props.preventDestroy ?? true,
    });
    if (this.binding instanceof WorkloadIdentityBinding) {
      this.jwtAuthBackend = this.binding.jwtAuthBackend;
      this.workloadPolicy = this.binding.workloadPolicy;
      this.workloadRole = this.binding.workloadRole;
      this.nomadJwks = this.node.tryFindChild('NomadJwks') as DataNomadJwks | undefined;
    } else if (this.binding instanceof LegacyTokenRoleBinding) {
      this.serverPolicy = this.binding.serverPolicy;
      this.tokenRole = this.binding.tokenRole;
      this.serverToken = this.binding.serverToken;
    }
    this.node.addValidation({ validate: () => this.validateJobs() });
    this.serverStanzaIsSensitive = this.binding.serverStanzaIsSensitive;
    this.serverVaultStanza = stanzaText(this.binding.serverStanza);
    this.clientVaultStanza = stanzaText(this.binding.clientStanza);
    this.addOutputs(id);
  }

  /**
   * What each granted task's token may read: its job's own KV path and below, the extra paths
   * and the paths of extra rules, by task.
   */
  public get grants(): SecretGrant[] {
    return [...this.binding.grantedPaths].map(([task, paths]) => ({ task, paths }));
  }

  /** Mount path of the KV v2 secrets engine grants point into. */
  public get kvMountPath(): string {
    return this.binding.kvMountPath;
  }

  /**
   * The KV v2 path where a job's own secrets live and its tasks can read them, e.g.
   * `secret/data/default/web` (workload identity) or `secret/data/web` (legacy).
   */
  public secretsPath(job: NomadJob): string {
    const spec = job.spec;
    checkPathSegment(spec.where, 'job name', spec.name);
    checkPathSegment(spec.where, 'namespace', spec.namespace);
    return this.binding.secretsPath(spec.namespace, spec.name);
  }

  /**
   * Lets a task read its job's secrets (and any extra paths) and sets its `vault {}` block. The
   * task knows its job, so the grant is bound to exactly that job. Calling it again for the same
   * task adds the new paths to the same grant.
   *
   * Workload identity: the templated policy already scopes each job to its own path; extra
   * paths get a policy and a role whose bound claims pin the namespace, job and task.
   * Legacy: a policy the task names in `vault { policies }`.
   * @returns the names of the policies the task's token carries
   */
  public grantSecrets(task: Task, options: GrantSecretsOptions = {}): string[] {
    if (!(task instanceof Task)) {
      throw new ConfigError(
        this.node.path,
        'grantSecrets task',
        describeHandle(task),
        'Give the task itself, e.g. grantSecrets(job.group("web").task("app")): a task knows ' +
          'its group and job, so the grant is bound to exactly that job.',
      );
    }
    const job = task.job;
    checkPathSegment(task.where, 'job name', job.name);
    checkPathSegment(task.where, 'namespace', job.namespace);
    checkPathSegment(task.where, 'task name', task.name);
    const extra = (options.extraPaths ?? []).map((p) =>
      checkExtraPath(task.where, this.binding.kvMountPath, p),
    );
    for (const path of extra) this.extraPathGrants.push({ task, path });
    for (const rule of options.extraRules ?? []) {
      const fix = privilegedRule(rule.path, rule.capabilities);
      if (fix !== undefined) throw new ConfigError(task.where, 'extraRules path', rule.path, fix);
    }
    return this.binding.grant(task, extra, options.extraRules ?? []);
  }

  /** The checks over the jobs that may use this Vault, which are collected once for both. */
  private validateJobs(): string[] {
    const jobs = this.jobsOfThisVault();
    const ids =
      this.binding instanceof WorkloadIdentityBinding
        ? this.jobIdsThatWidenTheDefaultPolicy(jobs)
        : [];
    return [...ids, ...this.extraPathsClearOfOwnPaths(jobs)];
  }

  /**
   * Extra paths that reach another job's own path, or (workload identity) lie under a
   * namespace's prefix. Checked at synthesis, once for all grants, so jobs added after a grant
   * count and the cost stays linear in the number of grants.
   */
  private extraPathsClearOfOwnPaths(jobs: readonly Job[]): string[] {
    if (this.extraPathGrants.length === 0) return [];
    const data = `${this.binding.kvMountPath}/data/`;
    const owners = new Map<string, Job>();
    const namespaces = new Set(['default']);
    for (const spec of jobs) {
      if (isToken(spec.name) || isToken(spec.namespace)) continue;
      owners.set(this.binding.secretsPath(spec.namespace, spec.name).slice(data.length), spec);
      namespaces.add(spec.namespace);
    }
    for (const construct of TerraformStack.of(this).node.findAll()) {
      if (construct instanceof NomadNamespace && !isToken(construct.name)) {
        namespaces.add(construct.name);
      }
    }
    const prefixes = this.binding instanceof WorkloadIdentityBinding ? [...namespaces] : [];
    const problems: string[] = [];
    for (const { task, path } of this.extraPathGrants) {
      const fix = coveredOwnPath(path, owners, task.job, prefixes);
      if (fix !== undefined) problems.push(problem(task.where, 'extraPaths entry', path, fix));
    }
    return problems;
  }

  /**
   * Every job that logs in with the default workload role gets the templated policy on
   * `<mount>/data/<namespace>/<job id>`, granted or not, so a job id with `/`, `*` or `+` would
   * widen that policy across other jobs' secrets: such ids are refused for the jobs of this
   * integration's stack and the jobs it grants secrets to. (Jobs built elsewhere are the
   * operator's to keep to the same rule; see the README.)
   */
  private jobIdsThatWidenTheDefaultPolicy(jobs: readonly Job[]): string[] {
    const problems: string[] = [];
    for (const spec of jobs) {
      for (const [prop, value] of [
        ['job name', spec.name],
        ['namespace', spec.namespace],
      ] as const) {
        if (isToken(value)) continue; // known only to Terraform; Nomad's own rules apply
        try {
          checkPathSegment(spec.where, prop, value);
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          problems.push(
            `${e.message} Every job that logs in with ${this.node.path}'s default workload ` +
              'role gets this path in its templated policy.',
          );
        }
      }
    }
    return problems;
  }

  /**
   * The jobs that may log in to this integration's Vault, as far as the app shows: those of its
   * own stack and those of the tasks it grants secrets to (another stack may target another
   * cluster and Vault).
   */
  private jobsOfThisVault(): Job[] {
    const jobs = new Set<Job>();
    for (const construct of TerraformStack.of(this).node.findAll()) {
      if (construct instanceof NomadJob) jobs.add(construct.spec);
    }
    for (const grant of this.binding.grantedPaths.keys()) jobs.add(grant.job);
    return [...jobs];
  }

  private checkAddresses(props: VaultNomadIntegrationProps): void {
    const where = this.node.path;
    if (props.vaultAddress === undefined) {
      throw new ConfigError(
        where,
        'vaultAddress',
        undefined,
        'Give the address Nomad agents use to reach Vault.',
      );
    }
    for (const [prop, address] of [
      ['vaultAddress', props.vaultAddress],
      ['nomadAddress', props.nomadAddress],
    ] as const) {
      if (address === undefined) continue;
      const url = checkHttpUrl(where, prop, address);
      if (url && isPlainHttpToRemote(url)) {
        Annotations.of(this).addWarning(
          `${prop} ${address} uses plain HTTP to a non-loopback host: tokens and identities ` +
            'would cross the network unencrypted. Use https.',
        );
      }
    }
  }

  private addOutputs(id: string): void {
    const outputs = new Construct(this, 'Outputs');
    const prefix =
      id
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '') || 'vault';
    new TerraformOutput(outputs, 'ServerVaultStanza', {
      description: 'vault {} stanza for the Nomad servers',
      value: this.serverVaultStanza,
      sensitive: this.serverStanzaIsSensitive,
    }).overrideLogicalId(`${prefix}_nomad_server_vault_stanza`);
    new TerraformOutput(outputs, 'ClientVaultStanza', {
      description: 'vault {} stanza for the Nomad clients',
      value: this.clientVaultStanza,
    }).overrideLogicalId(`${prefix}_nomad_client_vault_stanza`);
  }
}

function describeHandle(value: unknown): string {
  const name = (value as { constructor?: { name?: string } } | undefined)?.constructor?.name;
  return name === undefined ? String(value) : `a ${name}`;
}

function stanzaText(stanza: VaultStanzaProps): string {
  return terraformString(
    new HclBody().appendBlock(renderVaultStanza(stanza)).render(HclDialect.HCL1),
  );
}
