/**
 * Values an HCL attribute can hold. Strings are always literal text: the writer escapes them,
 * so nothing a user types is read as an HCL expression or template.
 */
export type HclValue = string | number | boolean | readonly HclValue[] | HclObject | HclHeredoc;

/** An HCL object (`{ key = value }`); keys that are not identifiers are quoted. */
export interface HclObject {
  readonly [key: string]: HclValue | undefined;
}

/**
 * Multi-line text written as a heredoc (`<<EOT`) when that reads it back unchanged, and as a
 * quoted string otherwise. The terminator is chosen so no line of the text can end it.
 */
export class HclHeredoc {
  constructor(public readonly text: string) {}
}
