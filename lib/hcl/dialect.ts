/**
 * Which parser reads a document. The two differ in how they read `${` inside a quoted string,
 * so text is escaped for the one that will read it.
 * @internal
 */
export enum HclDialect {
  /**
   * HCL2 (hashicorp/hcl v2), Nomad's jobspec parser. `${` and `%{` open templates; `$${` and
   * `%%{` are their escapes. String literals are normalized to Unicode NFC.
   */
  HCL2 = 'hcl2',
  /**
   * HCL v1 (hashicorp/hcl v1), the parser of Vault ACL policies and of Nomad and Consul agent
   * configuration. It has no template escape: `${` makes the scanner skip quotes up to the
   * matching `}`, so a `$` before `{` is written as the escape `\u0024`, and a `%` before `{`
   * as `\u0025`: an HCL v1 document then holds nothing Terraform would evaluate.
   */
  HCL1 = 'hcl1',
}
