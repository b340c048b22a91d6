/** An API error answered with Gitea's JSON error shapes. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** 404s from ctx.NotFound() carry an `errors` list */
    readonly errors?: string[] | null,
  ) {
    super(message);
  }
}

export const NOT_FOUND_MESSAGE = "The target couldn't be found.";

export function notFound(...errors: string[]): ApiError {
  return new ApiError(404, NOT_FOUND_MESSAGE, errors.length ? errors : null);
}
export function forbidden(message: string): ApiError {
  return new ApiError(403, message);
}
export function unauthorized(message = "token is required"): ApiError {
  return new ApiError(401, message);
}
export function unprocessable(message: string): ApiError {
  return new ApiError(422, message);
}
export function conflict(message: string): ApiError {
  return new ApiError(409, message);
}
