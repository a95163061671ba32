import { formatDiagnostic, type Diagnostic } from './diagnostic.js';

/**
 * The one error class ratecard throws for user mistakes. `code` is stable snake_case;
 * `diagnostics` lists every problem found (not just the first) when the error comes from
 * checking a file or a request.
 */
export class RatecardError extends Error {
  override readonly name = 'RatecardError';
  readonly code: string;
  readonly diagnostics: readonly Diagnostic[];
  /** Extra machine-readable detail (e.g. suggestions for model_not_found, differing fields). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: { diagnostics?: readonly Diagnostic[]; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.diagnostics = options.diagnostics ?? [];
    this.details = options.details ?? {};
  }

  /** Build from a list of diagnostics; the message holds every one, formatted with code frames. */
  static fromDiagnostics(diagnostics: readonly Diagnostic[], source?: string): RatecardError {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0] ?? diagnostics[0];
    const code = first?.code ?? 'invalid';
    const message = diagnostics.map((d) => formatDiagnostic(d, source)).join('\n\n');
    return new RatecardError(code, message || 'invalid input', { diagnostics });
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return Object.keys(this.details).length > 0
      ? { code: this.code, message: this.message, details: { ...this.details } }
      : { code: this.code, message: this.message };
  }
}

export function isRatecardError(e: unknown): e is RatecardError {
  return e instanceof RatecardError;
}

/** A result type for the `try*` APIs that report instead of throwing. */
export type Result<T> = { ok: true; value: T; diagnostics: readonly Diagnostic[] } | { ok: false; diagnostics: readonly Diagnostic[] };
