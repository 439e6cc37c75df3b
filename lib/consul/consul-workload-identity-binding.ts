import { AclAuthMethod } from '@cdktf/provider-consul/lib/acl-auth-method';
import { AclBindingRule } from '@cdktf/provider-consul/lib/acl-binding-rule';
import { AclPolicy } from '@cdktf/provider-consul/lib/acl-policy';
import { AclRole } from '@cdktf/provider-consul/lib/acl-role';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { checkDuration, checkHttpUrl, isPlainHttpToRemote, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { jsonDocument } from '../core/json-document';
import { terraformString } from '../core/terraform-string';
import type { ConsulStanzaProps } from '../nomad/agent-config';
import { checkNamespaceName } from '../nomad/names';
import { ConsulAccess, ConsulAclResource, ConsulAclRules } from './acl-rules';
import type {
  ConsulModeBinder,
  ConsulModeBinding,
  ConsulModeContext,
  ConsulWorkloadIdentityOptions,
} from './consul-integration-mode';
import { nomadAgentPolicies } from './nomad-agent-policies';

/** @internal */
export class ConsulWorkloadIdentityBinder implements ConsulModeBinder {
  constructor(private readonly options: ConsulWorkloadIdentityOptions) {}

  public bind(scope: Construct, context: ConsulModeContext): ConsulModeBinding {
    return new ConsulWorkloadIdentityBinding(scope, context, this.options);
  }
}

/**
 * What `nomad setup consul` creates: the `nomad-workloads` JWT auth method, a binding rule that
 * gives each Nomad service the service identity of its name, one that gives each task its
 * namespace's role, and that role with read access to the catalog and KV.
 * @internal
 */
export class ConsulWorkloadIdentityBinding implements ConsulModeBinding {
  public readonly serverStanza: ConsulStanzaProps;
  public readonly clientStanza: ConsulStanzaProps;
  public readonly clientStanzaIsSensitive = false;
  public readonly serverStanzaIsSensitive = false;
  public readonly authMethod: AclAuthMethod;
  public readonly taskPolicy: AclPolicy;

  constructor(
    scope: Construct,
    context: ConsulModeContext,
    options: ConsulWorkloadIdentityOptions,
  ) {
    const where = context.where;
    const provider = context.consulProvider;
    const name = options.authMethodName ?? 'nomad-workloads';
    const audience = options.audience ?? ['consul.io'];
    const ttl = options.identityTtl ?? '1h';
    checkDuration(where, 'workloadIdentity identityTtl', ttl);
    const namespaces = options.taskNamespaces ?? ['default'];
    for (const ns of namespaces) checkNamespaceName(where, ns);
    const jwksUrl = this.jwksUrl(scope, where, options, context.nomadAddress);

    const parent = new Construct(scope, 'WorkloadIdentity');
    this.authMethod = new AclAuthMethod(parent, 'AuthMethod', {
      name: terraformString(name),
      type: 'jwt',
      displayName: terraformString(name),
      description: 'JWT auth method for Nomad workload identities',
      tokenLocality: 'local',
      configJson: jsonDocument({
        JWKSURL: jwksUrl,
        JWKSCACert: options.jwksCaPem,
        JWTSupportedAlgs: ['RS256'],
        BoundAudiences: audience,
        ClaimMappings: {
          nomad_namespace: 'nomad_namespace',
          nomad_job_id: 'nomad_job_id',
          nomad_task: 'nomad_task',
          nomad_service: 'nomad_service',
        },
      }),
      provider,
    });
    new AclBindingRule(parent, 'ServicesRule', {
      authMethod: this.authMethod.name,
      description: 'Nomad services get the service identity of their name',
      bindType: 'service',
      bindName: terraformString('${value.nomad_service}'),
      selector: terraformString('"nomad_service" in value'),
      provider,
    });
    new AclBindingRule(parent, 'TasksRule', {
      authMethod: this.authMethod.name,
      description: "Nomad tasks get their namespace's tasks role",
      bindType: 'role',
      bindName: terraformString('nomad-${value.nomad_namespace}-tasks'),
      selector: terraformString('"nomad_service" not in value'),
      provider,
    });
    this.taskPolicy = new AclPolicy(parent, 'TasksPolicy', {
      name: 'policy-nomad-tasks',
      description: 'Nomad tasks: read the catalog and KV',
      rules: terraformString(
        new ConsulAclRules({
          rules: [
            { resource: ConsulAclResource.NODE_PREFIX, name: '', policy: ConsulAccess.READ },
            { resource: ConsulAclResource.SERVICE_PREFIX, name: '', policy: ConsulAccess.READ },
            { resource: ConsulAclResource.KEY_PREFIX, name: '', policy: ConsulAccess.READ },
          ],
        }).render(),
      ),
      provider,
    });
    const roles = new Construct(parent, 'TaskRoles');
    for (const ns of namespaces) {
      new AclRole(roles, ns, {
        name: terraformString(`nomad-${ns}-tasks`),
        description: `Tasks of Nomad namespace ${ns}`,
        policies: [this.taskPolicy.id],
        provider,
      });
    }
    nomadAgentPolicies(parent, provider);
    this.serverStanza = {
      serviceIdentity: { aud: audience, ttl },
      taskIdentity: { aud: audience, ttl },
    };
    this.clientStanza = {
      serviceAuthMethod: this.authMethod.name,
      taskAuthMethod: this.authMethod.name,
    };
  }

  private jwksUrl(
    scope: Construct,
    where: string,
    options: ConsulWorkloadIdentityOptions,
    nomadAddress: string | undefined,
  ): string {
    const url =
      options.jwksUrl ??
      (nomadAddress === undefined
        ? undefined
        : isToken(nomadAddress)
          ? `${nomadAddress}/.well-known/jwks.json`
          : `${nomadAddress.replace(/\/+$/, '')}/.well-known/jwks.json`);
    if (url === undefined) {
      throw new ConfigError(
        where,
        'workloadIdentity jwksUrl',
        undefined,
        "Workload identity needs Nomad's public keys: set nomadAddress (Consul then reads <nomadAddress>/.well-known/jwks.json) or workloadIdentity({ jwksUrl }).",
      );
    }
    const parsed = checkHttpUrl(where, 'workloadIdentity jwksUrl', url);
    if (parsed && isPlainHttpToRemote(parsed)) {
      Annotations.of(scope).addWarning(
        `workloadIdentity jwksUrl ${url} uses plain HTTP to a non-loopback host: anyone on the path could hand Consul their own keys and sign identities for any service. Use Nomad's https address.`,
      );
    }
    return url;
  }
}
