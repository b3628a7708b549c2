/** One problem with the input, named by where it is (`query.limit`, `body.query`). */
export interface ErrorIssue {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** The `error` of a JSON error answer (contract/api.ts `ApiError`). */
export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  issues?: ErrorIssue[];
  upstream?: { service: string; status: number; code: string };
}

/**
 * The one base class of the errors Agent Warden raises on purpose: a stable code, the HTTP status it is answered
 * with, and what the answer says (`body()`). The HTTP layer sends it as is; the bot shows the message on a card.
 * Anything else that escapes a request is a bug, answered 500 without details.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly field?: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
    this.name = new.target.name;
  }

  body(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.issues ? { issues: this.issues } : {}),
    };
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
  constructor(message: string, field?: string, issues?: ErrorIssue[]) {
    super('invalid_input', message, 400, field, issues);
  }
}

/** A bearer token that is missing or not valid. */
export class UnauthorizedError extends DomainError {
  constructor(message: string) {
    super('unauthorized', message, 401);
  }
}

/**
 * A setting the server was started with that cannot work (an environment variable, the policy file, the
 * playground's user): the start stops with its message (exit code 2) instead of running half configured.
 */
export class SettingError extends DomainError {
  constructor(message: string) {
    super('invalid_setting', message, 500);
  }
}

/** An upstream service (Microsoft Graph) refused or failed; carries its own error code and message. */
export class UpstreamError extends DomainError {
  constructor(
    readonly service: string,
    readonly upstreamStatus: number,
    readonly upstreamCode: string,
    readonly upstreamMessage: string,
    /** What the service's Retry-After said (a 429 or 503), in seconds. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super('upstream_error', `${service} answered ${upstreamStatus} ${upstreamCode}: ${upstreamMessage}`, 502);
  }

  override body(): ErrorBody {
    return {
      ...super.body(),
      upstream: { service: this.service, status: this.upstreamStatus, code: this.upstreamCode },
    };
  }
}
