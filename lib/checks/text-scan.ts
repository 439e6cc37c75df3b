import { isPlainHttpToRemote, isToken } from '../core/checks';
import { containsTokens, splitTokens } from '../core/tokens';

/**
 * What the checks look for in text: secret-looking literals, credentials in URLs, and plain
 * HTTP addresses. Nothing here rejects a cdktf token or a runtime interpolation: their values
 * are unknown until Terraform or Nomad fills them in.
 * @internal
 */

/** A secret-looking piece of text: what kind, and the text masked for messages. */
export interface SecretMatch {
  readonly kind: string;
  readonly masked: string;
}

const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const VAULT_TOKEN =
  /(?<![A-Za-z0-9_.-])(hv[sbr]\.[A-Za-z0-9_-]{20,}|s\.[A-Za-z0-9]{24})(?![A-Za-z0-9_-])/;
const AWS_ACCESS_KEY = /(?<![A-Z0-9])((?:AKIA|ASIA)[0-9A-Z]{16})(?![A-Z0-9])/;
const ASSIGNED_SECRET =
  /(?:password|passwd|pwd|secret(?:[_-]?key)?|token|api[_-]?key|access[_-]?key|client[_-]?secret)["']?\s*[=:]\s*["']?([A-Za-z0-9+/_\-.=]{16,})/i;

/** Environment variable names that hold a secret by their last word. */
const SECRET_NAME =
  /(?:^|[_.-])(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|CREDENTIALS?|(?:SECRET|ACCESS|API|PRIVATE)[_-]?KEY|APIKEY)$/i;

/** Replaces every `${...}` (runtime variable, expression or cdktf token) with a blank. */
export function withoutInterpolations(text: string): string {
  let out = '';
  for (const fragment of splitTokens(text)) if (!fragment.isToken) out += fragment.text;
  return out.replace(/\$\{[^}]*\}/g, ' ').replace(/\{\{[\s\S]*?\}\}/g, ' ');
}

/** Masks a secret for a message: its first characters and its length. */
export function mask(secret: string): string {
  const shown = secret.startsWith('-----BEGIN')
    ? (/^-----BEGIN [A-Z0-9 ]*-----/.exec(secret)?.[0] ?? '-----BEGIN')
    : secret.slice(0, Math.min(4, Math.floor(secret.length / 4)));
  return `${shown}… (${secret.length} characters, masked)`;
}

/** The first secret-looking literal in free text (template data, meta values, arguments). */
export function findSecret(text: string): SecretMatch | undefined {
  if (typeof text !== 'string') return undefined;
  const literal = withoutInterpolations(text);
  const pem = PEM_PRIVATE_KEY.exec(literal);
  if (pem) return { kind: 'a PEM private key', masked: mask(pem[0]) };
  const vault = VAULT_TOKEN.exec(literal);
  if (vault && /\d/.test(vault[1]) && /[A-Za-z]/.test(vault[1].slice(2))) {
    return { kind: 'a Vault token', masked: mask(vault[1]) };
  }
  const aws = AWS_ACCESS_KEY.exec(literal);
  if (aws) return { kind: 'an AWS access key id', masked: mask(aws[1]) };
  const assigned = ASSIGNED_SECRET.exec(literal);
  if (assigned && looksRandom(assigned[1])) {
    return { kind: 'a password or token assigned in the text', masked: mask(assigned[1]) };
  }
  return undefined;
}

/**
 * A secret in an environment variable: a secret-looking value, or a literal value of a
 * variable named like a secret (`DB_PASSWORD`, `NOMAD_TOKEN`).
 */
export function findSecretInVariable(name: string, value: string): SecretMatch | undefined {
  const found = findSecret(value);
  if (found) return found;
  if (typeof value !== 'string' || !SECRET_NAME.test(name)) return undefined;
  if (containsTokens(value) || value.includes('${') || value.includes('{{')) return undefined;
  const v = value.trim();
  if (v === '' || /^(?:true|false|yes|no|none|null|-?\d+)$/i.test(v) || isPathLike(v)) {
    return undefined;
  }
  return { kind: `a literal value of ${name}`, masked: mask(v) };
}

/** A URL with a user name and password in it, masked; undefined when there is none. */
export function findCredentialsInUrl(text: string): string | undefined {
  if (typeof text !== 'string') return undefined;
  const literal = withoutInterpolations(text);
  const m = /\b([a-z][a-z0-9+.-]*):\/\/([^\s/:@"'{}]+):([^\s/@"'{}]+)@([^\s/"'{}]*)/i.exec(literal);
  if (!m) return undefined;
  return `${m[1]}://${m[2]}:***@${m[4]}`;
}

/** Whether an address is plain HTTP to a host that is not loopback or on a tailnet. */
export function isPlainHttpAddress(address: string): boolean {
  const url = literalUrl(address);
  return url !== undefined && isPlainHttpToRemote(url);
}

/** The address as a URL when it is literal (no token, no interpolation) and parses. */
export function literalUrl(address: unknown): URL | undefined {
  if (typeof address !== 'string' || isToken(address) || containsTokens(address)) return undefined;
  if (address.includes('${') || address.includes('{{')) return undefined;
  try {
    return new URL(address.trim());
  } catch {
    return undefined;
  }
}

/** Whether a text value is fully literal (no cdktf token, runtime variable or template). */
export function isLiteral(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    !isToken(value) &&
    !containsTokens(value) &&
    !value.includes('${') &&
    !value.includes('{{')
  );
}

function isPathLike(value: string): boolean {
  return /^(?:\/|\.{1,2}\/|~\/|(?:secrets|local|alloc)\/)/.test(value) || /^file:/.test(value);
}

/** High-entropy enough to be a credential rather than a word or a path. */
function looksRandom(value: string): boolean {
  if (isPathLike(value) || /^[a-z]+(?:[._-][a-z]+)*$/i.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((r) => r.test(value)).length;
  return /^[0-9a-f]{16,}$/i.test(value) || classes >= 2;
}
