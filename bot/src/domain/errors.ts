/** Errors the services raise; the HTTP layer and the bot map them to status codes and card errors. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', `${what} '${id}' was not found`, 404);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('forbidden', message, 403);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('conflict', message, 409);
  }
}

export class InvalidInputError extends DomainError {
  constructor(message: string, field?: string) {
    super('invalid_input', message, 400, field);
  }
}

/** An upstream service (Microsoft Graph) refused or failed; carries its own error code and message. */
export class UpstreamError extends DomainError {
  constructor(
    readonly service: string,
    readonly upstreamStatus: number,
    readonly upstreamCode: string,
    upstreamMessage: string,
  ) {
    super('upstream_error', `${service} answered ${upstreamStatus} ${upstreamCode}: ${upstreamMessage}`, 502);
  }
}
