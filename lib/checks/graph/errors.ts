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
