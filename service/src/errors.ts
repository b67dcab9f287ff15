/** An error whose status and message are safe to show the client. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'not found') {
    super(404, 'not_found', message);
  }
}

export class InputError extends HttpError {
  constructor(message: string) {
    super(400, 'bad_request', message);
  }
}
