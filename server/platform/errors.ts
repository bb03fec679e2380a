/**
 * One error family for the whole service. Domain and use-case code throws these; the error
 * middleware turns them into `{ error: { code, message, details } }` with the HTTP status.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface FieldProblem {
  field: string;
  problem: string;
}

export class ValidationError extends AppError {
  constructor(message: string, problems: FieldProblem[] = [], httpStatus = 400) {
    super("VALIDATION_FAILED", message, httpStatus, problems.length > 0 ? problems : undefined);
  }

  static forField(field: string, problem: string, httpStatus = 400): ValidationError {
    return new ValidationError(`${field} ${problem}`, [{ field, problem }], httpStatus);
  }
}

export class UnauthorizedError extends AppError {
  constructor(
    message = "a valid API key (Authorization: Bearer <apiKey>) or console session (POST /api/session) is required",
  ) {
    super("UNAUTHORIZED", message, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super("FORBIDDEN", message, 403);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id?: string) {
    super("NOT_FOUND", id === undefined ? `${what} not found` : `${what} ${id} not found`, 404);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super("CONFLICT", message, 409, details);
  }
}

export class UnprocessableError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, 422, details);
  }
}

export class ChainError extends AppError {
  constructor(message: string, options?: { cause?: unknown; details?: unknown }) {
    super("CHAIN_UNAVAILABLE", message, 503, options?.details, options);
  }
}

export class DependencyUnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("DEPENDENCY_UNAVAILABLE", message, 503, undefined, options);
  }
}
