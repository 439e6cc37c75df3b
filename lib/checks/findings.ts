/** How serious a finding is. */
export enum FindingSeverity {
  /** Plainly wrong or dangerous: an error annotation, which fails `cdktf synth`. */
  ERROR = 'error',
  /** Legal but risky, or a likely mistake: a warning annotation. */
  WARNING = 'warning',
  /** Something the checks could not look at, said so rather than skipped silently. */
  INFO = 'info',
}

/** One finding of {@link ZeroTrustChecks}, as the report lists it. */
export interface ZeroTrustFinding {
  /** The stable rule id, e.g. `ZT-TRAEFIK-001`. */
  readonly ruleId: string;
  /** The rule's severity. */
  readonly severity: FindingSeverity;
  /** The rule's title: what is wrong, in a few words. */
  readonly title: string;
  /** Path of the construct the finding is annotated on (and suppressed through). */
  readonly constructPath: string;
  /** Where exactly: the construct path and, inside it, the job, group, task, route or path rule. */
  readonly location: string;
  /** The property (or configuration key) found. */
  readonly prop: string;
  /** The value received, as text; secrets are masked. */
  readonly value: string;
  /** Why it matters. */
  readonly why: string;
  /** What to do instead. */
  readonly fix: string;
  /** The full message, as annotated. */
  readonly message: string;
  /** Whether a suppression silenced it (then it is not annotated). */
  readonly suppressed: boolean;
  /** The suppression's reason, when suppressed. @default - not suppressed */
  readonly suppressionReason?: string;
  /** Path of the construct the suppression was declared on, when suppressed. @default - not suppressed */
  readonly suppressedAt?: string;
  /**
   * Whether the library already warned about the same choice on this construct; the finding is
   * then listed in the report but not annotated a second time.
   */
  readonly alsoWarnedByLibrary: boolean;
}

/** A suppression, as the report lists it. */
export interface ZeroTrustSuppression {
  /** Path of the construct it was declared on (it covers the construct's children too). */
  readonly constructPath: string;
  /** The rule id it silences. */
  readonly ruleId: string;
  /** Why the finding is accepted. */
  readonly reason: string;
  /** How many findings it silenced. */
  readonly findings: number;
}
