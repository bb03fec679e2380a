import { AppError } from "../errors";

/**
 * How a task's AppError crosses the thread boundary: structured cloning keeps an Error's message
 * but not its class, code or HTTP status, so a refusal inside a worker (a zip bomb, too many rows)
 * is sent back as plain data and thrown again on the caller's side as the same AppError.
 */
interface PlainAppError {
  code: string;
  message: string;
  httpStatus: number;
  details?: unknown;
}

export type OffThreadResult<Output> = { offThreadValue: Output } | { offThreadError: PlainAppError };

/** Wraps a task function for the worker side: its AppErrors come back as AppErrors. */
export function offThreadTask<Input, Output>(
  task: (input: Input) => Promise<Output> | Output,
): (input: Input) => Promise<OffThreadResult<Output>> {
  return async (input) => {
    try {
      return { offThreadValue: await task(input) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const { code, message, httpStatus, details } = error;
      return { offThreadError: { code, message, httpStatus, details } };
    }
  };
}

export function toAppError({ code, message, httpStatus, details }: PlainAppError): AppError {
  return new AppError(code, message, httpStatus, details);
}
