/**
 * Values an HCL attribute can hold. Strings are always literal text: the writer escapes them,
 * so nothing a user types is read as an HCL expression or template.
 * @internal
 */
export type HclValue = string | number | boolean | readonly HclValue[] | HclObject | HclHeredoc;

/**
 * An HCL object (`{ key = value }`); keys that are not identifiers are quoted.
 * @internal
 */
export interface HclObject {
  readonly [key: string]: HclValue | undefined;
}

/**
 * Multi-line text written as a heredoc (`<<EOT`) when the dialect has heredocs that read it
 * back unchanged, and as a quoted string otherwise.
 * @internal
 */
export class HclHeredoc {
  constructor(public readonly text: string) {}
}
