/**
 * Input the checks cannot read: a missing path, a directory that is not a cloud assembly or a
 * cdktf output, malformed JSON. The CLI prints the message and exits with code 2.
 */
export class HaInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HaInputError';
  }
}

/**
 * A failure of the checks themselves: a rule or the resilience report threw on input it should
 * have handled. A bug in ha-constructs, not a problem of the input; the CLI exits with code 3.
 */
export class HaInternalError extends Error {
  /** What failed: `rule HA-ENC1`, `the resilience report`. */
  public readonly step: string;

  constructor(step: string, cause: unknown) {
    super(`${step} failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`, { cause });
    this.name = 'HaInternalError';
    this.step = step;
  }
}
