/** A refusal the user should hear about in plain words (the bot maps the code to a string). */
export class DomainError extends Error {
  constructor(
    public readonly code:
      'not_found' | 'forbidden' | 'invalid_state' | 'invalid_input' | 'conflict',
    message: string,
    public readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
